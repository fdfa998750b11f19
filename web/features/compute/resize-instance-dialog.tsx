'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormDialog } from '@web/components/dialog';
import { useToast } from '@web/components/toast';
import { fieldErrors, formError } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { resizeBlockedReason } from './flavor-fit';
import { formatMiB } from './format';
import { showAccepted } from './instance-dialogs';
import type { TServerRow } from './use-instance-events';

/**
 * Pick the new flavor: what the service would refuse (same flavor, smaller disk, the image's minimums, the quota for
 * what the new size adds) is greyed with the reason, as in the launch wizard. The instance then waits in
 * VERIFY_RESIZE for Confirm or Revert.
 */
export function ResizeInstanceDialog({ server, onClose }: { server: TServerRow; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const flavors = useQuery(trpc.compute.flavors.list.queryOptions());
  const images = useQuery(trpc.compute.images.bootable.queryOptions());
  const usage = useQuery(trpc.compute.quota.usage.queryOptions());
  const image = images.data?.find((i) => i.id === server.imageId);
  const [flavorId, setFlavorId] = useState('');
  const [local, setLocal] = useState<string>();
  const resize = useMutation(
    trpc.compute.servers.resize.mutationOptions({
      onSuccess(s) {
        showAccepted(queryClient, trpc, s);
        void queryClient.invalidateQueries({ queryKey: trpc.compute.quota.usage.queryKey() });
        toast.success(`Resizing ${s.name}; confirm or revert it once it is in VERIFY_RESIZE.`);
        onClose();
      },
    }),
  );
  const submit = () => {
    if (!flavorId) return setLocal('Choose a flavor.');
    setLocal(undefined);
    resize.mutate({ id: server.id, flavorId });
  };
  const flavorError = local ?? fieldErrors(resize.error).flavorId;
  return (
    <FormDialog
      open
      onClose={onClose}
      title={`Resize ${server.name}`}
      description={`Now ${server.flavor.name}: ${server.flavor.vcpus} vCPU, ${formatMiB(server.flavor.ram)} RAM, ${server.flavor.disk} GiB disk.`}
      submitLabel="Resize"
      onSubmit={submit}
      pending={resize.isPending}
      error={formError(resize.error)}
    >
      <fieldset className="resize-flavors" aria-describedby={flavorError ? 'resize-flavor-error' : undefined}>
        <legend>New flavor</legend>
        <div className="choice-list">
          {flavors.isPending && <p className="muted">Loading flavors…</p>}
          {flavors.data?.map((f) => {
            const why = resizeBlockedReason(f, server.flavor, image, usage.data);
            return (
              <label key={f.id} className="choice">
                <input
                  type="radio"
                  name="flavor"
                  value={f.id}
                  checked={flavorId === f.id}
                  disabled={!!why}
                  aria-describedby={why ? `resize-why-${f.id}` : undefined}
                  onChange={() => setFlavorId(f.id)}
                />
                <span>
                  <strong>{f.name}</strong>
                  <span className="cell-sub">
                    {f.vcpus} vCPU · {formatMiB(f.ramMb)} RAM · {f.diskGb} GiB disk
                  </span>
                </span>
                {why ? (
                  <span className="choice__reason" id={`resize-why-${f.id}`}>
                    {why}
                  </span>
                ) : (
                  <span />
                )}
              </label>
            );
          })}
        </div>
        {flavorError && (
          <p className="field__error" id="resize-flavor-error">
            {flavorError}
          </p>
        )}
      </fieldset>
    </FormDialog>
  );
}
