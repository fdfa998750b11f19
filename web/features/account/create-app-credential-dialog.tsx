'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { FormDialog } from '@web/components/dialog';
import { Checkbox, Input } from '@web/components/input';
import { fieldErrors, formError } from '@web/lib/errors';
import { checked, text } from '@web/lib/form-data';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';

export type TCreatedAppCredential = RouterOutputs['account']['appCredentials']['create'];

/** `datetime-local` gives the browser's local time without a zone; the Date constructor reads it as local. */
const expiryOf = (value: string) => (value ? new Date(value).toISOString() : null);

/**
 * Creates an application credential on the current project with the roles ticked (all the user's, by default).
 * The secret comes back once: `onCreated` shows it.
 */
export function CreateAppCredentialDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (c: TCreatedAppCredential) => void;
}) {
  const trpc = useTRPC();
  const roles = useQuery(trpc.account.delegableRoles.queryOptions());
  const create = useMutation(trpc.account.appCredentials.create.mutationOptions({ onSuccess: onCreated }));
  const errors = fieldErrors(create.error);
  const submit = (f: FormData) => {
    const roleIds = (roles.data ?? []).filter((r) => f.get(`role-${r.id}`) === 'on').map((r) => r.id);
    create.mutate({
      name: text(f, 'name'),
      description: text(f, 'description'),
      expiresAt: expiryOf(text(f, 'expiresAt')),
      roleIds,
      unrestricted: checked(f, 'unrestricted'),
    });
  };
  return (
    <FormDialog
      open
      onClose={onClose}
      title="Create application credential"
      description="A name and secret that sign in as you, on this project only, with the roles you choose. Scripts and tools use it instead of your password."
      submitLabel="Create"
      onSubmit={submit}
      pending={create.isPending}
      error={formError(create.error)}
    >
      <Input label="Name" name="name" required autoFocus maxLength={255} autoComplete="off" error={errors.name} />
      <Input label="Description" name="description" maxLength={255} autoComplete="off" error={errors.description} />
      <Input
        label="Expires"
        name="expiresAt"
        type="datetime-local"
        hint="Leave empty for a credential that does not expire."
        error={errors.expiresAt}
      />
      <fieldset className="roles-fieldset">
        <legend className="field__label">Roles</legend>
        {roles.data?.map((r) => (
          <Checkbox key={r.id} label={r.name} name={`role-${r.id}`} defaultChecked />
        ))}
        {errors.roleIds && <p className="field__error">{errors.roleIds}</p>}
      </fieldset>
      <Checkbox label="Unrestricted" name="unrestricted" />
      <p className="field__hint">
        Keystone lets an unrestricted credential manage other application credentials and trusts. Cumulo records the
        flag but refuses that to every application credential.
      </p>
    </FormDialog>
  );
}
