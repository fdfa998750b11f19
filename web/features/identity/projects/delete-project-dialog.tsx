'use client';

import { useMutation } from '@tanstack/react-query';
import { ConfirmDialog } from '@web/components/dialog';
import { useToast } from '@web/components/toast';
import { formError } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { useIdentityRefresh } from '../use-identity-refresh';
import type { TProjectRow } from './project-form-dialog';

export function DeleteProjectDialog({ project, onClose }: { project: TProjectRow; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useIdentityRefresh();
  const remove = useMutation(
    trpc.admin.projects.delete.mutationOptions({
      onSuccess() {
        void refresh();
        toast.success(`Project ${project.name} deleted.`);
        onClose();
      },
    }),
  );
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`Delete project ${project.name}?`}
      description="Its role assignments go with it, and every token scoped to it stops working at once."
      submitLabel="Delete project"
      onConfirm={() => remove.mutate({ id: project.id })}
      pending={remove.isPending}
      error={formError(remove.error)}
    />
  );
}
