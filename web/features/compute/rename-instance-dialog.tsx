'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FormDialog } from '@web/components/dialog';
import { Input } from '@web/components/input';
import { useToast } from '@web/components/toast';
import { fieldErrors, formError } from '@web/lib/errors';
import { text } from '@web/lib/form-data';
import { useTRPC } from '@web/lib/trpc';
import { showAccepted } from './instance-dialogs';
import type { TServerRow } from './use-instance-events';

/** Nova's server update: only the display name; the instance keeps running. */
export function RenameInstanceDialog({ server, onClose }: { server: TServerRow; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const rename = useMutation(
    trpc.compute.servers.rename.mutationOptions({
      onSuccess(s) {
        showAccepted(queryClient, trpc, s);
        void queryClient.invalidateQueries({ queryKey: trpc.compute.servers.list.pathKey() });
        toast.success(`Renamed to ${s.name}.`);
        onClose();
      },
    }),
  );
  return (
    <FormDialog
      open
      onClose={onClose}
      title={`Rename ${server.name}`}
      submitLabel="Rename"
      onSubmit={(data) => rename.mutate({ id: server.id, name: text(data, 'name') })}
      pending={rename.isPending}
      error={formError(rename.error)}
    >
      <Input
        label="Name"
        name="name"
        defaultValue={server.name}
        maxLength={255}
        autoFocus
        autoComplete="off"
        error={fieldErrors(rename.error).name}
      />
    </FormDialog>
  );
}
