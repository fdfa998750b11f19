'use client';

import { useMutation } from '@tanstack/react-query';
import { ConfirmDialog } from '@web/components/dialog';
import { useToast } from '@web/components/toast';
import { formError } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { useIdentityRefresh } from '../use-identity-refresh';
import type { TUserRow } from './user-form-dialog';

export function DeleteUserDialog({ user, onClose }: { user: TUserRow; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useIdentityRefresh();
  const remove = useMutation(
    trpc.admin.users.delete.mutationOptions({
      onSuccess() {
        void refresh();
        toast.success(`User ${user.name} deleted.`);
        onClose();
      },
    }),
  );
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`Delete user ${user.name}?`}
      description="Their role assignments and credentials go with them, and their sessions end at once."
      submitLabel="Delete user"
      onConfirm={() => remove.mutate({ id: user.id })}
      pending={remove.isPending}
      error={formError(remove.error)}
    />
  );
}
