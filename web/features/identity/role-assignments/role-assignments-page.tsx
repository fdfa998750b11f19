'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@web/components/button';
import { EmptyState } from '@web/components/empty-state';
import { Select } from '@web/components/input';
import { PageHeader } from '@web/components/page-header';
import { Table, type Column } from '@web/components/table';
import { errorMessage } from '@web/lib/errors';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';
import { GrantRoleDialog } from './grant-role-dialog';
import { RevokeRoleDialog, type TAssignmentRef } from './revoke-role-dialog';
import { useIdentityNames } from './use-identity-names';

type TAssignmentRow = RouterOutputs['admin']['roleAssignments']['list'][number];
type Open = { kind: 'grant' } | { kind: 'revoke'; assignment: TAssignmentRef; label: string } | null;

export function RoleAssignmentsPage() {
  const trpc = useTRPC();
  const names = useIdentityNames();
  const [filter, setFilter] = useState<{ userId?: string; projectId?: string }>({});
  const assignments = useQuery(trpc.admin.roleAssignments.list.queryOptions(filter));
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);

  const actorName = (a: TAssignmentRow) =>
    a.actor.type === 'user' ? (names.userName(a.actor.id) ?? a.actor.id) : `group ${a.actor.id}`;
  const targetName = (a: TAssignmentRow) =>
    a.target.type === 'project' ? (names.projectName(a.target.id) ?? a.target.id) : `domain ${a.target.id}`;
  const describe = (a: TAssignmentRow) => `${a.roleName} of ${actorName(a)} on ${targetName(a)}`;

  const columns: Column<TAssignmentRow>[] = [
    { key: 'actor', header: 'User', cell: (a) => <strong>{actorName(a)}</strong> },
    { key: 'target', header: 'Project', cell: targetName },
    { key: 'role', header: 'Role', cell: (a) => <span className="badge">{a.roleName}</span> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'end',
      cell: (a) => (
        <Button
          size="sm"
          variant="ghost"
          aria-label={`Revoke ${describe(a)}`}
          onClick={() =>
            setOpen({
              kind: 'revoke',
              assignment: { actor: a.actor, target: a.target, roleId: a.roleId },
              label: describe(a),
            })
          }
        >
          Revoke
        </Button>
      ),
    },
  ];

  const grant = (
    <Button variant="primary" onClick={() => setOpen({ kind: 'grant' })}>
      Grant role
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Role assignments"
        description="Who holds which role where. A role on a project lets its holder work in it."
        actions={grant}
      />
      <div className="toolbar" role="search" aria-label="Filter role assignments">
        <Select
          label="User"
          options={names.options.users}
          placeholder="All users"
          value={filter.userId ?? ''}
          onChange={(e) => setFilter((f) => ({ ...f, userId: e.target.value || undefined }))}
        />
        <Select
          label="Project"
          options={names.options.projects}
          placeholder="All projects"
          value={filter.projectId ?? ''}
          onChange={(e) => setFilter((f) => ({ ...f, projectId: e.target.value || undefined }))}
        />
      </div>
      <Table
        caption="Role assignments"
        columns={columns}
        rows={assignments.data}
        rowKey={(a) => `${a.actor.type}:${a.actor.id}:${a.target.type}:${a.target.id}:${a.roleId}`}
        loading={assignments.isPending}
        error={assignments.isError && errorMessage(assignments.error)}
        empty={<EmptyState title="No role assignments match" action={grant} />}
      />
      {open?.kind === 'grant' && <GrantRoleDialog onClose={close} defaults={filter} />}
      {open?.kind === 'revoke' && <RevokeRoleDialog assignment={open.assignment} label={open.label} onClose={close} />}
    </>
  );
}
