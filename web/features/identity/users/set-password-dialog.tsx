'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { FormDialog } from '@web/components/dialog';
import { Input } from '@web/components/input';
import { useToast } from '@web/components/toast';
import { fieldErrors, formError } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import type { TUserRow } from './user-form-dialog';

/** Sets a user's password; the identity service ends all of their sessions. */
export function SetPasswordDialog({ user, onClose }: { user: TUserRow; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [mismatch, setMismatch] = useState(false);
  const setPassword = useMutation(
    trpc.admin.users.setPassword.mutationOptions({
      onSuccess() {
        toast.success(`Password of ${user.name} changed.`);
        onClose();
      },
    }),
  );
  const submit = (form: FormData) => {
    const password = String(form.get('password') ?? '');
    const same = password === String(form.get('confirm') ?? '');
    setMismatch(!same);
    if (same) setPassword.mutate({ id: user.id, password });
  };
  return (
    <FormDialog
      open
      onClose={onClose}
      title={`Set the password of ${user.name}`}
      description="The user is signed out everywhere and signs in again with the new password."
      submitLabel="Set password"
      onSubmit={submit}
      pending={setPassword.isPending}
      error={formError(setPassword.error)}
    >
      <Input
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        autoFocus
        maxLength={128}
        error={fieldErrors(setPassword.error).password}
      />
      <Input
        label="Repeat the password"
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        maxLength={128}
        error={mismatch ? 'The passwords differ.' : undefined}
      />
    </FormDialog>
  );
}
