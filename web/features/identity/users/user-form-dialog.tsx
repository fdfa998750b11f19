'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { FormDialog } from '@web/components/dialog';
import { Checkbox, Input, Select } from '@web/components/input';
import { useToast } from '@web/components/toast';
import { fieldErrors, formError } from '@web/lib/errors';
import { checked, optionalText, text } from '@web/lib/form-data';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';
import { useIdentityRefresh } from '../use-identity-refresh';

export type TUserRow = RouterOutputs['admin']['users']['list'][number];

/** Creates a user (with a first password), or edits one when `user` is given (passwords: SetPasswordDialog). */
export function UserFormDialog({ user, onClose }: { user?: TUserRow; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useIdentityRefresh();
  const projects = useQuery(trpc.admin.projects.list.queryOptions());
  const done = (message: string) => {
    void refresh();
    toast.success(message);
    onClose();
  };
  const create = useMutation(
    trpc.admin.users.create.mutationOptions({ onSuccess: (u) => done(`User ${u.name} created.`) }),
  );
  const update = useMutation(
    trpc.admin.users.update.mutationOptions({ onSuccess: (u) => done(`User ${u.name} saved.`) }),
  );
  const mutation = user ? update : create;

  const submit = (form: FormData) => {
    const values = {
      name: text(form, 'name'),
      email: optionalText(form, 'email'),
      description: optionalText(form, 'description'),
      defaultProjectId: optionalText(form, 'defaultProjectId') ?? null,
      enabled: checked(form, 'enabled'),
    };
    if (user) update.mutate({ id: user.id, patch: values });
    else create.mutate({ ...values, password: optionalText(form, 'password') });
  };
  const errors = fieldErrors(mutation.error, 'patch.');
  const projectOptions = (projects.data ?? []).map((p) => ({ value: p.id, label: p.name }));

  return (
    <FormDialog
      open
      onClose={onClose}
      title={user ? `Edit user ${user.name}` : 'Create user'}
      submitLabel={user ? 'Save' : 'Create user'}
      onSubmit={submit}
      pending={mutation.isPending}
      error={formError(mutation.error)}
    >
      <Input
        label="Name"
        name="name"
        required
        autoFocus
        maxLength={64}
        autoComplete="off"
        defaultValue={user?.name}
        error={errors.name}
      />
      {!user && (
        <Input
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          maxLength={128}
          hint="Leave empty for a user who cannot sign in with a password."
          error={errors.password}
        />
      )}
      <Input
        label="Email"
        name="email"
        type="email"
        maxLength={255}
        defaultValue={user?.email ?? ''}
        error={errors.email}
      />
      <Input
        label="Description"
        name="description"
        maxLength={255}
        defaultValue={user?.description ?? ''}
        error={errors.description}
      />
      <Select
        label="Default project"
        name="defaultProjectId"
        options={projectOptions}
        placeholder="None"
        defaultValue={user?.defaultProjectId ?? ''}
        hint="Where the user lands after signing in. Grant a role on it as well."
        error={errors.defaultProjectId}
      />
      <Checkbox label="Enabled" name="enabled" defaultChecked={user?.enabled ?? true} />
    </FormDialog>
  );
}
