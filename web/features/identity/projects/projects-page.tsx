'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { EmptyState } from '@web/components/empty-state';
import { PageHeader } from '@web/components/page-header';
import { Table, type Column } from '@web/components/table';
import { errorMessage } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { DeleteProjectDialog } from './delete-project-dialog';
import { ProjectFormDialog, type TProjectRow } from './project-form-dialog';

type Open = { kind: 'create' } | { kind: 'edit' | 'delete'; project: TProjectRow } | null;

export function ProjectsPage() {
  const trpc = useTRPC();
  const projects = useQuery(trpc.admin.projects.list.queryOptions());
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);

  const columns: Column<TProjectRow>[] = [
    {
      key: 'name',
      header: 'Name',
      cell: (p) => (
        <>
          <strong>{p.name}</strong>
          {p.description && <span className="cell-sub">{p.description}</span>}
        </>
      ),
    },
    { key: 'id', header: 'ID', cell: (p) => <span className="mono">{p.id}</span> },
    {
      key: 'status',
      header: 'Status',
      cell: (p) => (
        <span className={p.enabled ? 'badge badge--ok' : 'badge'}>{p.enabled ? 'Enabled' : 'Disabled'}</span>
      ),
    },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'end',
      cell: (p) => (
        <span className="btn-row">
          <Button size="sm" onClick={() => setOpen({ kind: 'edit', project: p })} aria-label={`Edit project ${p.name}`}>
            Edit
          </Button>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => setOpen({ kind: 'delete', project: p })}
            aria-label={`Delete project ${p.name}`}
          >
            Delete
          </Button>
        </span>
      ),
    },
  ];

  const create = (
    <Button variant="primary" onClick={() => setOpen({ kind: 'create' })}>
      Create project
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Projects"
        description="Projects own resources and quotas; users work in them through role assignments."
        actions={create}
      />
      <Table
        caption="Projects"
        columns={columns}
        rows={projects.data}
        rowKey={(p) => p.id}
        loading={projects.isPending}
        error={projects.isError && errorMessage(projects.error)}
        empty={<EmptyState title="No projects yet" action={create} />}
      />
      {open?.kind === 'create' && <ProjectFormDialog onClose={close} />}
      {open?.kind === 'edit' && <ProjectFormDialog project={open.project} onClose={close} />}
      {open?.kind === 'delete' && <DeleteProjectDialog project={open.project} onClose={close} />}
    </>
  );
}
