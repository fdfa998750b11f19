'use client';

import { useQuery } from '@tanstack/react-query';
import { EmptyState } from '@web/components/empty-state';
import { Table, type Column } from '@web/components/table';
import { errorMessage } from '@web/lib/errors';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';
import { formatDateTime } from './format';

type TAction = RouterOutputs['compute']['servers']['actions'][number];

const resultOf = (a: TAction) =>
  a.events.some((e) => e.result === 'Error')
    ? 'Error'
    : a.events.length && a.events.every((e) => e.finishTime)
      ? 'Success'
      : a.events.length
        ? 'In progress'
        : '—';

/** What was done to the instance, newest first, with each step the host took and the traceback of one that failed. */
export function ActionLog({ id }: { id: string }) {
  const trpc = useTRPC();
  const actions = useQuery(trpc.compute.servers.actions.queryOptions({ id }));
  const columns: Column<TAction>[] = [
    { key: 'action', header: 'Action', className: 'nowrap', cell: (a) => <strong>{a.action}</strong> },
    { key: 'start', header: 'Started', className: 'nowrap', cell: (a) => formatDateTime(a.startTime) },
    {
      key: 'result',
      header: 'Result',
      className: 'nowrap',
      cell: (a) => (a.message ? `${resultOf(a)}: ${a.message}` : resultOf(a)),
    },
    {
      key: 'events',
      header: 'Events',
      cell: (a) =>
        a.events.length === 0 ? (
          '—'
        ) : (
          <ul className="event-list">
            {a.events.map((e) => (
              <li key={`${e.event}-${e.startTime}`}>
                <span className="mono">{e.event}</span> {e.result ?? 'running'}
                {e.traceback && <pre className="traceback">{e.traceback}</pre>}
              </li>
            ))}
          </ul>
        ),
    },
    {
      key: 'request',
      header: 'Request',
      cell: (a) => (
        <span className="mono" title={a.requestId}>
          {a.requestId.slice(0, 12)}…
        </span>
      ),
    },
  ];
  return (
    <Table
      caption="Action log"
      columns={columns}
      rows={actions.data}
      rowKey={(a) => a.requestId + a.action}
      loading={actions.isPending}
      error={actions.isError && errorMessage(actions.error)}
      empty={<EmptyState title="No actions recorded" />}
    />
  );
}
