'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { EmptyState } from '@web/components/empty-state';
import { PageHeader } from '@web/components/page-header';
import { Table, type Column } from '@web/components/table';
import { errorMessage } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { DeleteUserDialog } from './delete-user-dialog';
import { SetPasswordDialog } from './set-password-dialog';
import { UserFormDialog, type TUserRow } from './user-form-dialog';

type Open = { kind: 'create' } | { kind: 'edit' | 'password' | 'delete'; user: TUserRow } | null;

export function UsersPage() {
  const trpc = useTRPC();
  const users = useQuery(trpc.admin.users.list.queryOptions());
  const projects = useQuery(trpc.admin.projects.list.queryOptions());
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const projectName = (id: string | null) => (id ? (projects.data?.find((p) => p.id === id)?.name ?? id) : '—');

  const columns: Column<TUserRow>[] = [
    {
      key: 'name',
      header: 'Name',
      cell: (u) => (
        <>
          <strong>{u.name}</strong>
          {u.email && <span className="cell-sub">{u.email}</span>}
        </>
      ),
    },
    { key: 'project', header: 'Default project', cell: (u) => projectName(u.defaultProjectId) },
    {
      key: 'status',
      header: 'Status',
      cell: (u) => (
        <span className={u.enabled ? 'badge badge--ok' : 'badge'}>{u.enabled ? 'Enabled' : 'Disabled'}</span>
      ),
    },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'end',
      cell: (u) => (
        <span className="btn-row">
          <Button size="sm" onClick={() => setOpen({ kind: 'edit', user: u })} aria-label={`Edit user ${u.name}`}>
            Edit
          </Button>
          <Button
            size="sm"
            onClick={() => setOpen({ kind: 'password', user: u })}
            aria-label={`Set password of ${u.name}`}
          >
            Set password
          </Button>
          <Button
            size="sm"
            variant="ghost"
            onClick={() => setOpen({ kind: 'delete', user: u })}
            aria-label={`Delete user ${u.name}`}
          >
            Delete
          </Button>
        </span>
      ),
    },
  ];

  const create = (
    <Button variant="primary" onClick={() => setOpen({ kind: 'create' })}>
      Create user
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Users"
        description="People and services that sign in. What they may do comes from their role assignments."
        actions={create}
      />
      <Table
        caption="Users"
        columns={columns}
        rows={users.data}
        rowKey={(u) => u.id}
        loading={users.isPending}
        error={users.isError && errorMessage(users.error)}
        empty={<EmptyState title="No users yet" action={create} />}
      />
      {open?.kind === 'create' && <UserFormDialog onClose={close} />}
      {open?.kind === 'edit' && <UserFormDialog user={open.user} onClose={close} />}
      {open?.kind === 'password' && <SetPasswordDialog user={open.user} onClose={close} />}
      {open?.kind === 'delete' && <DeleteUserDialog user={open.user} onClose={close} />}
    </>
  );
}
