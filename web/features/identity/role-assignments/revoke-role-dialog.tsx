'use client';

import { useMutation } from '@tanstack/react-query';
import { ConfirmDialog } from '@web/components/dialog';
import { useToast } from '@web/components/toast';
import { formError } from '@web/lib/errors';
import { useTRPC, type RouterInputs } from '@web/lib/trpc';
import { useIdentityRefresh } from '../use-identity-refresh';

export type TAssignmentRef = RouterInputs['admin']['roleAssignments']['revoke'];

/** Revokes one assignment; the identity service ends the holder's sessions so the role stops working at once. */
export function RevokeRoleDialog({
  assignment,
  label,
  onClose,
}: {
  assignment: TAssignmentRef;
  label: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useIdentityRefresh();
  const revoke = useMutation(
    trpc.admin.roleAssignments.revoke.mutationOptions({
      onSuccess() {
        void refresh();
        toast.success(`Revoked ${label}.`);
        onClose();
      },
    }),
  );
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title="Revoke this role?"
      description={`${label}. The holder is signed out and signs in again with the roles they keep.`}
      submitLabel="Revoke role"
      onConfirm={() => revoke.mutate(assignment)}
      pending={revoke.isPending}
      error={formError(revoke.error)}
    />
  );
}
