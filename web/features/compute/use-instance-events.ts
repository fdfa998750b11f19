'use client';

import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { useToast } from '@web/components/toast';
import { useRealtimeFeed } from '@web/features/session/realtime-context';
import { useTRPC, type RouterOutputs } from '@web/lib/trpc';
import { POWER_STATES } from './instance-actions';
import type { TRealtimeEnvelope } from '@server/realtime/realtime.types';
import type { TInstanceEvent } from '@server/trpc/routers/compute.router';

type ServerPage = RouterOutputs['compute']['servers']['list'];
export type TServerRow = ServerPage['items'][number];

/** A row with what the event says changed; the host only for admins (the list hides it from others too). */
const patched = (row: TServerRow, e: TInstanceEvent, isAdmin: boolean): TServerRow => ({
  ...row,
  name: e.name,
  status: e.status,
  vmState: e.vmState,
  taskState: e.taskState,
  powerState: e.powerState,
  powerStateName: POWER_STATES[e.powerState] ?? 'NOSTATE',
  host: isAdmin ? e.host : row.host,
  updatedAt: e.updatedAt,
  fault: e.fault
    ? { ...e.fault, details: row.fault?.details ?? null, createdAt: e.updatedAt }
    : e.status === 'ERROR'
      ? row.fault
      : null,
});

/**
 * Keeps the instance queries live from the project's `instance.update` events: the row in every cached list page and
 * the detail query are patched in place (no refetch, no reload); an instance no cached page knows (launched elsewhere)
 * refetches the lists; a reconnect, or a burst larger than the feed keeps, refetches everything (events were missed).
 * A build that fails says so in a toast, with the fault's message.
 */
export function useInstanceEvents(opts: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const { recent, status } = useRealtimeFeed();
  const seen = useRef<WeakSet<TRealtimeEnvelope> | null>(null);
  const newest = useRef(new Map<string, TInstanceEvent>());
  const lastStatus = useRef(status);
  const latest = useRef({ opts, toast });
  latest.current = { opts, toast };

  useEffect(() => {
    const listKey = trpc.compute.servers.list.pathKey();
    const refetchAll = () => void queryClient.invalidateQueries({ queryKey: trpc.compute.servers.pathKey() });
    // what the feed held before this page mounted is older than the page's own fresh queries
    if (!seen.current) {
      seen.current = new WeakSet(recent);
      return;
    }
    const fresh: TRealtimeEnvelope[] = [];
    for (const e of recent) {
      if (seen.current.has(e)) break;
      fresh.push(e);
    }
    if (fresh.length === 0) return;
    for (const e of fresh) seen.current.add(e);
    // the feed keeps the last 20: all of them new means some may have been dropped in between
    if (fresh.length === recent.length && recent.length >= 20) refetchAll();

    let unknown = false;
    for (const envelope of fresh.reverse()) {
      if (envelope.type !== 'instance.update') continue;
      const e = envelope.payload as TInstanceEvent;
      const had = newest.current.get(e.id);
      if (!had || had.updatedAt <= e.updatedAt) newest.current.set(e.id, e);
      // written inside the cache updaters below
      const known: { found: boolean; before?: string } = { found: false };
      queryClient.setQueriesData<ServerPage>({ queryKey: listKey }, (page) => {
        if (!page) return page;
        const row = page.items.find((r) => r.id === e.id);
        if (!row) return page;
        known.found = true;
        known.before ??= row.status;
        if (e.deleted) return { ...page, items: page.items.filter((r) => r.id !== e.id) };
        return {
          ...page,
          items: page.items.map((r) => (r.id === e.id ? patched(r, e, latest.current.opts.isAdmin) : r)),
        };
      });
      const detailKey = trpc.compute.servers.get.queryKey({ id: e.id });
      const detail = queryClient.getQueryData<TServerRow>(detailKey);
      if (detail) {
        known.before ??= detail.status;
        if (e.deleted) void queryClient.invalidateQueries({ queryKey: detailKey });
        else queryClient.setQueryData(detailKey, patched(detail, e, latest.current.opts.isAdmin));
        // the event carries states, not the flavor, image or metadata a rebuild, resize or revert changed: once the
        // instance has settled, the detail reads them again
        if (!e.deleted && !e.taskState) {
          void queryClient.invalidateQueries({ queryKey: detailKey });
          void queryClient.invalidateQueries({ queryKey: trpc.compute.metadata.list.queryKey({ id: e.id }) });
        }
        void queryClient.invalidateQueries({ queryKey: trpc.compute.servers.actions.queryKey({ id: e.id }) });
      }
      if (!known.found && !e.deleted) unknown = true;
      if (e.fault && e.status === 'ERROR' && (known.before === undefined || known.before === 'BUILD')) {
        latest.current.toast.error(`Instance ${e.name} failed to build: ${e.fault.message}`);
      } else if (e.fault) {
        latest.current.toast.error(`Instance ${e.name}: ${e.fault.message}`);
      }
    }
    if (unknown) void queryClient.invalidateQueries({ queryKey: listKey });
    void queryClient.invalidateQueries({ queryKey: trpc.compute.quota.usage.queryKey() });
  }, [recent, queryClient, trpc]);

  // after a reconnect the socket missed whatever happened while it was down
  useEffect(() => {
    const was = lastStatus.current;
    lastStatus.current = status;
    if (status === 'live' && was !== 'live')
      void queryClient.invalidateQueries({ queryKey: trpc.compute.servers.pathKey() });
  }, [status, queryClient, trpc]);

  /**
   * A row as the newest event says, when that event is newer than the row: a refetch that started before an event
   * arrived must not put an older state back on screen.
   */
  const withLatest = useCallback((row: TServerRow): TServerRow => {
    const e = newest.current.get(row.id);
    return e && e.updatedAt > row.updatedAt ? patched(row, e, latest.current.opts.isAdmin) : row;
  }, []);
  return { withLatest };
}

/**
 * Puts just-launched servers at the top of the cached first pages sorted newest first (with no filter), so they show
 * in BUILD at once and the events take them to ACTIVE from there.
 */
export function showLaunched(queryClient: QueryClient, listKey: readonly unknown[], servers: TServerRow[]) {
  for (const [key, page] of queryClient.getQueriesData<ServerPage>({ queryKey: listKey })) {
    const input = (key[1] as { input?: Record<string, unknown> } | undefined)?.input ?? {};
    const newestFirst = (input.sortKey ?? 'created_at') === 'created_at' && (input.sortDir ?? 'desc') === 'desc';
    if (!page || input.marker || input.name || input.status || !newestFirst) continue;
    const limit = typeof input.limit === 'number' ? input.limit : 25;
    const ids = new Set(servers.map((s) => s.id));
    const items = [...servers, ...page.items.filter((r) => !ids.has(r.id))];
    queryClient.setQueryData<ServerPage>(key, {
      items: items.slice(0, limit),
      nextMarker: items.length > limit ? items[limit - 1]!.id : page.nextMarker,
    });
  }
}
