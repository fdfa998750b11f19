'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ConfirmDialog } from '@web/components/dialog';
import { useToast } from '@web/components/toast';
import { errorMessage } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { actionBlockedReason, type InstanceAction } from './instance-actions';
import type { TServerRow } from './use-instance-events';

export type BulkAction = Extract<InstanceAction, 'start' | 'stop' | 'reboot_soft'> | 'delete';

const VERBS: Record<BulkAction, { title: string; button: string; done: string }> = {
  start: { title: 'Start', button: 'Start', done: 'starting' },
  stop: { title: 'Stop', button: 'Stop', done: 'stopping' },
  reboot_soft: { title: 'Reboot', button: 'Reboot', done: 'rebooting' },
  delete: { title: 'Delete', button: 'Delete', done: 'being deleted' },
};

/**
 * Confirms a power action or delete on the selected instances, says up front which ones their state rules out (they
 * are skipped), then runs it on each and reports what failed. Rows update live as the hosts report back.
 */
export function BulkActionDialog({
  action,
  rows,
  onClose,
  onDone,
}: {
  action: BulkAction;
  rows: TServerRow[];
  onClose: () => void;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const verb = VERBS[action];
  const blocked = new Map(
    rows.flatMap((r) => {
      const why =
        action === 'delete'
          ? r.taskState === 'deleting'
            ? 'Already being deleted.'
            : null
          : actionBlockedReason(action, r);
      return why ? [[r.id, why] as const] : [];
    }),
  );
  const targets = rows.filter((r) => !blocked.has(r.id));
  const act = useMutation(trpc.compute.servers.action.mutationOptions());
  const del = useMutation(trpc.compute.servers.delete.mutationOptions());
  const run = useMutation({
    mutationFn: () =>
      Promise.allSettled(
        targets.map((r) =>
          action === 'delete' ? del.mutateAsync({ id: r.id }) : act.mutateAsync({ id: r.id, action }),
        ),
      ),
    onSuccess(results) {
      const failed = results.flatMap((res, n) =>
        res.status === 'rejected' ? [`${targets[n]!.name}: ${errorMessage(res.reason)}`] : [],
      );
      const ok = results.length - failed.length;
      if (ok > 0) toast.success(`${ok} instance${ok === 1 ? '' : 's'} ${verb.done}.`);
      for (const f of failed) toast.error(f);
      void queryClient.invalidateQueries({ queryKey: trpc.compute.servers.list.pathKey() });
      onDone();
      onClose();
    },
  });

  const count = rows.length;
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`${verb.title} ${count} instance${count === 1 ? '' : 's'}?`}
      description={action === 'delete' ? 'Their disks are destroyed. This cannot be undone.' : undefined}
      submitLabel={targets.length === count ? verb.button : `${verb.button} ${targets.length}`}
      onConfirm={() => run.mutate()}
      pending={run.isPending}
      error={targets.length === 0 ? 'None of the selected instances can do this now.' : undefined}
    >
      <ul className="event-list">
        {rows.map((r) => (
          <li key={r.id}>
            <strong>{r.name}</strong> <span className="muted">({r.status})</span>
            {blocked.has(r.id) && <span className="cell-sub">Skipped: {blocked.get(r.id)}</span>}
          </li>
        ))}
      </ul>
    </ConfirmDialog>
  );
}
