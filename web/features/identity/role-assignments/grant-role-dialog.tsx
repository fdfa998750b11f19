'use client';

import { useMutation } from '@tanstack/react-query';
import { FormDialog } from '@web/components/dialog';
import { Select } from '@web/components/input';
import { useToast } from '@web/components/toast';
import { fieldErrors, formError } from '@web/lib/errors';
import { text } from '@web/lib/form-data';
import { useTRPC } from '@web/lib/trpc';
import { useIdentityRefresh } from '../use-identity-refresh';
import { useIdentityNames } from './use-identity-names';

/** Grants a user a role on a project. */
export function GrantRoleDialog({
  onClose,
  defaults = {},
}: {
  onClose: () => void;
  defaults?: { userId?: string; projectId?: string };
}) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useIdentityRefresh();
  const names = useIdentityNames();
  const grant = useMutation(
    trpc.admin.roleAssignments.grant.mutationOptions({
      onSuccess(_, v) {
        void refresh();
        toast.success(
          `Granted ${names.roles.data?.find((r) => r.id === v.roleId)?.name ?? v.roleId} to ${names.userName(v.actor.id) ?? v.actor.id} on ${names.projectName(v.target.id) ?? v.target.id}.`,
        );
        onClose();
      },
    }),
  );
  const submit = (form: FormData) =>
    grant.mutate({
      actor: { type: 'user', id: text(form, 'userId') },
      target: { type: 'project', id: text(form, 'projectId') },
      roleId: text(form, 'roleId'),
    });
  const errors = fieldErrors(grant.error);
  const memberRole = names.roles.data?.find((r) => r.name === 'member')?.id;

  return (
    <FormDialog
      open
      onClose={onClose}
      title="Grant a role"
      submitLabel="Grant role"
      onSubmit={submit}
      pending={grant.isPending}
      error={formError(grant.error)}
    >
      <Select
        label="User"
        name="userId"
        required
        options={names.options.users}
        placeholder="Choose a user"
        defaultValue={defaults.userId ?? ''}
        error={errors['actor.id']}
      />
      <Select
        label="Project"
        name="projectId"
        required
        options={names.options.projects}
        placeholder="Choose a project"
        defaultValue={defaults.projectId ?? ''}
        error={errors['target.id']}
      />
      <Select
        key={memberRole ?? 'loading'}
        label="Role"
        name="roleId"
        required
        options={names.options.roles}
        placeholder="Choose a role"
        defaultValue={memberRole ?? ''}
        hint="admin manages the whole cloud; member works in the project; reader only looks."
        error={errors.roleId}
      />
    </FormDialog>
  );
}
