'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormDialog } from '@web/components/dialog';
import { Select } from '@web/components/input';
import { useToast } from '@web/components/toast';
import { errorMessage, fieldErrors, formError } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { formatBytes } from './format';
import { showAccepted } from './instance-dialogs';
import type { TServerRow } from './use-instance-events';

/** Rebuild from an image (its own by default): the disk is wiped, so the dialog says so and asks to confirm. */
export function RebuildInstanceDialog({ server, onClose }: { server: TServerRow; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const images = useQuery(trpc.compute.images.bootable.queryOptions());
  const [imageId, setImageId] = useState(server.imageId);
  const rebuild = useMutation(
    trpc.compute.servers.rebuild.mutationOptions({
      onSuccess(s) {
        showAccepted(queryClient, trpc, s);
        toast.success(`Rebuilding ${s.name}.`);
        onClose();
      },
    }),
  );
  const options = (images.data ?? []).map((i) => ({
    value: i.id,
    label: `${i.name ?? i.id} (${i.diskFormat ?? 'no format'}, ${formatBytes(i.size)})`,
  }));
  return (
    <FormDialog
      open
      onClose={onClose}
      title={`Rebuild ${server.name}?`}
      description="Everything on the instance's disk is erased and it boots again from the image. This cannot be undone."
      submitLabel="Rebuild"
      danger
      onSubmit={() => rebuild.mutate({ id: server.id, imageId })}
      pending={rebuild.isPending}
      error={formError(rebuild.error)}
    >
      <Select
        label="Image"
        value={imageId}
        onChange={(e) => setImageId(e.target.value)}
        options={options}
        hint={images.isError ? errorMessage(images.error) : undefined}
        error={fieldErrors(rebuild.error).imageId}
      />
    </FormDialog>
  );
}
