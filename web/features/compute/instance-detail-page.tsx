'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { Button, type ButtonProps } from '@web/components/button';
import { ConfirmDialog } from '@web/components/dialog';
import { PageHeader } from '@web/components/page-header';
import { Skeleton } from '@web/components/skeleton';
import { useToast } from '@web/components/toast';
import { useSession } from '@web/features/session/use-session';
import { errorCode, errorMessage, formError } from '@web/lib/errors';
import { useTRPC } from '@web/lib/trpc';
import { ActionLog } from './action-log';
import { ConsoleLog } from './console-log';
import { formatDateTime, formatMiB } from './format';
import {
  ACTION_LABELS,
  actionBlockedReason,
  lockedReason,
  POWER_ACTIONS,
  type InstanceAction,
} from './instance-actions';
import { showAccepted } from './instance-dialogs';
import { InstanceMetadata } from './instance-metadata';
import { RebuildInstanceDialog } from './rebuild-instance-dialog';
import { RenameInstanceDialog } from './rename-instance-dialog';
import { ResizeInstanceDialog } from './resize-instance-dialog';
import { StatusLabel } from './status-label';
import { useInstanceEvents, type TServerRow } from './use-instance-events';
import './compute.css';

type Dialogs = 'rename' | 'rebuild' | 'resize' | 'delete';

/** The actions that open a dialog first; the others run at one click. */
const DIALOG_ACTIONS = ['rebuild', 'resize'] as const satisfies readonly InstanceAction[];
/** Shown beside the others, enabled only while the instance waits in VERIFY_RESIZE. */
const RESIZE_STEPS = ['confirm_resize', 'revert_resize'] as const satisfies readonly InstanceAction[];

function ReasonedButton({
  id,
  why,
  children,
  ...button
}: { id: string; why: string | null; children: ReactNode } & Omit<ButtonProps, 'id' | 'size'>) {
  const whyId = `why-${id}`;
  return (
    <div>
      <Button size="sm" {...button} disabled={!!why || button.disabled} aria-describedby={why ? whyId : undefined}>
        {children}
      </Button>
      {why && (
        <span className="action-grid__reason" id={whyId}>
          {why}
        </span>
      )}
    </div>
  );
}

/** Every action; what the state forbids is disabled, with the reason beside it (the rules the server applies). */
function ActionButtons({
  server,
  isAdmin,
  onOpen,
}: {
  server: TServerRow;
  isAdmin: boolean;
  onOpen: (d: Dialogs) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const act = useMutation(
    trpc.compute.servers.action.mutationOptions({
      onSuccess(s, v) {
        showAccepted(queryClient, trpc, s);
        toast.success(`${ACTION_LABELS[v.action]}: ${s.name} is ${s.taskState?.replace(/[-_]/g, ' ') ?? 'done'}.`);
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );
  const deleting = server.taskState === 'deleting';
  const locked = lockedReason(server, isAdmin);
  const why = (a: InstanceAction) => locked ?? actionBlockedReason(a, server);
  const oneClick = (a: (typeof POWER_ACTIONS)[number] | (typeof RESIZE_STEPS)[number]) => (
    <ReasonedButton
      key={a}
      id={a}
      why={why(a)}
      disabled={act.isPending}
      loading={act.isPending && act.variables?.action === a}
      onClick={() => act.mutate({ id: server.id, action: a })}
    >
      {ACTION_LABELS[a]}
    </ReasonedButton>
  );
  return (
    <div className="action-grid" role="group" aria-label="Instance actions">
      {POWER_ACTIONS.map(oneClick)}
      <ReasonedButton id="rename" why={deleting ? 'Being deleted.' : null} onClick={() => onOpen('rename')}>
        Rename
      </ReasonedButton>
      {DIALOG_ACTIONS.map((a) => (
        <ReasonedButton key={a} id={a} why={why(a)} onClick={() => onOpen(a)}>
          {ACTION_LABELS[a]}…
        </ReasonedButton>
      ))}
      {RESIZE_STEPS.map(oneClick)}
      <ReasonedButton
        id="delete"
        why={locked ?? (deleting ? 'Being deleted.' : null)}
        variant="danger"
        onClick={() => onOpen('delete')}
      >
        Delete
      </ReasonedButton>
    </div>
  );
}

function DeleteInstanceDialog({ server, onClose }: { server: TServerRow; onClose: () => void }) {
  const trpc = useTRPC();
  const toast = useToast();
  const router = useRouter();
  const del = useMutation(
    trpc.compute.servers.delete.mutationOptions({
      onSuccess() {
        toast.success(`Deleting ${server.name}.`);
        router.push('/instances');
      },
    }),
  );
  return (
    <ConfirmDialog
      open
      onClose={onClose}
      title={`Delete ${server.name}?`}
      description="The instance and its disks are destroyed. This cannot be undone."
      submitLabel="Delete"
      onConfirm={() => del.mutate({ id: server.id })}
      pending={del.isPending}
      error={formError(del.error)}
    />
  );
}

/** One instance: its states and facts, the actions its state allows, the live console and the action log. */
export function InstanceDetailPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const { data: me } = useSession();
  const isAdmin = !!me?.isAdmin;
  const { withLatest } = useInstanceEvents({ isAdmin });
  const server = useQuery(trpc.compute.servers.get.queryOptions({ id }));
  const images = useQuery(trpc.compute.images.bootable.queryOptions());
  const [open, setOpen] = useState<Dialogs | null>(null);
  const close = () => setOpen(null);

  if (server.isPending) {
    return (
      <div aria-busy="true">
        <Skeleton width="16rem" height="1.75rem" />
        <div className="detail-grid" style={{ marginTop: '1.5rem' }}>
          <Skeleton height="12rem" />
          <Skeleton height="12rem" />
        </div>
      </div>
    );
  }
  if (server.isError) {
    const missing = errorCode(server.error) === 'NOT_FOUND';
    return (
      <section className="card" role="alert">
        <h1>{missing ? 'Instance not found' : 'The instance cannot load'}</h1>
        <p className="muted">
          {missing ? 'It was deleted, or it belongs to another project.' : errorMessage(server.error)}
        </p>
        <Link href="/instances">Back to instances</Link>
      </section>
    );
  }
  const s = withLatest(server.data);
  const image = images.data?.find((i) => i.id === s.imageId);
  return (
    <>
      <p>
        <Link href="/instances">← Instances</Link>
      </p>
      <PageHeader
        title={s.name}
        description={<span className="mono">{s.id}</span>}
        actions={<StatusLabel status={s.status} />}
      />
      {s.fault && (
        <div className="fault" role="alert">
          <strong>Fault {s.fault.code}:</strong> {s.fault.message}
          {s.fault.details && <pre className="traceback">{s.fault.details}</pre>}
        </div>
      )}
      <div className="detail-grid">
        <section className="card" aria-labelledby="overview-title">
          <h2 id="overview-title">Overview</h2>
          <dl className="facts">
            <dt>Status</dt>
            <dd data-testid="detail-status">{s.status}</dd>
            <dt>VM state</dt>
            <dd>{s.vmState}</dd>
            <dt>Task</dt>
            <dd>{s.taskState ?? '—'}</dd>
            <dt>Power state</dt>
            <dd>{s.powerStateName}</dd>
            <dt>Flavor</dt>
            <dd>
              {s.flavor.name} ({s.flavor.vcpus} vCPU, {formatMiB(s.flavor.ram)} RAM, {s.flavor.disk} GiB disk)
            </dd>
            <dt>Image</dt>
            <dd>{image?.name ?? <span className="mono">{s.imageId}</span>}</dd>
            <dt>Key pair</dt>
            <dd>{s.keyName ?? 'None'}</dd>
            {isAdmin && (
              <>
                <dt>Host</dt>
                <dd>{s.host ?? '—'}</dd>
              </>
            )}
            <dt>Created</dt>
            <dd>{formatDateTime(s.createdAt)}</dd>
            <dt>Launched</dt>
            <dd>{formatDateTime(s.launchedAt)}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="actions-title">
          <h2 id="actions-title">Actions</h2>
          {s.vmState === 'resized' && !s.taskState && (
            <p className="resize-verify" role="status">
              Resized to {s.flavor.name}. Check the instance, then <strong>Confirm resize</strong> to keep the new size
              or <strong>Revert resize</strong> to go back to the previous one.
            </p>
          )}
          <ActionButtons server={s} isAdmin={isAdmin} onOpen={setOpen} />
        </section>
      </div>
      <h2 className="section-title">Metadata</h2>
      <InstanceMetadata server={s} isAdmin={isAdmin} />
      <h2 className="section-title">Console log</h2>
      <ConsoleLog id={s.id} live={s.vmState !== 'building'} />
      <h2 className="section-title">Action log</h2>
      <ActionLog id={s.id} />
      {open === 'delete' && <DeleteInstanceDialog server={s} onClose={close} />}
      {open === 'rename' && <RenameInstanceDialog server={s} onClose={close} />}
      {open === 'rebuild' && <RebuildInstanceDialog server={s} onClose={close} />}
      {open === 'resize' && <ResizeInstanceDialog server={s} onClose={close} />}
    </>
  );
}
