'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@web/components/button';
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
import { ACTION_LABELS, ALLOWED_FROM, actionBlockedReason, type InstanceAction } from './instance-actions';
import { StatusLabel } from './status-label';
import { useInstanceEvents, type TServerRow } from './use-instance-events';
import './compute.css';

const ACTIONS = Object.keys(ALLOWED_FROM) as InstanceAction[];

/** Every power action; what the state forbids is disabled, with the reason beside it. */
function ActionButtons({ server, onDelete }: { server: TServerRow; onDelete: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const act = useMutation(
    trpc.compute.servers.action.mutationOptions({
      onSuccess(s, v) {
        queryClient.setQueryData(trpc.compute.servers.get.queryKey({ id: s.id }), (old) =>
          old ? { ...old, ...s, fault: old.fault } : old,
        );
        toast.success(`${ACTION_LABELS[v.action]}: ${s.name} is ${s.taskState?.replace(/[-_]/g, ' ') ?? 'done'}.`);
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );
  return (
    <div className="action-grid" role="group" aria-label="Instance actions">
      {ACTIONS.map((a) => {
        const why = actionBlockedReason(a, server);
        const whyId = `why-${a}`;
        return (
          <div key={a}>
            <Button
              size="sm"
              disabled={!!why || act.isPending}
              loading={act.isPending && act.variables?.action === a}
              aria-describedby={why ? whyId : undefined}
              onClick={() => act.mutate({ id: server.id, action: a })}
            >
              {ACTION_LABELS[a]}
            </Button>
            {why && (
              <span className="action-grid__reason" id={whyId}>
                {why}
              </span>
            )}
          </div>
        );
      })}
      <div>
        <Button size="sm" variant="danger" disabled={server.taskState === 'deleting'} onClick={onDelete}>
          Delete
        </Button>
        {server.taskState === 'deleting' && <span className="action-grid__reason">Being deleted.</span>}
      </div>
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
  const [deleting, setDeleting] = useState(false);

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
          <ActionButtons server={s} onDelete={() => setDeleting(true)} />
        </section>
      </div>
      <h2 className="section-title">Console log</h2>
      <ConsoleLog id={s.id} live={s.vmState !== 'building'} />
      <h2 className="section-title">Action log</h2>
      <ActionLog id={s.id} />
      {deleting && <DeleteInstanceDialog server={s} onClose={() => setDeleting(false)} />}
    </>
  );
}
