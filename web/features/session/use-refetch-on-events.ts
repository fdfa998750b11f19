'use client';

import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useRealtimeFeed } from './realtime-context';

/** A burst of events (a bulk delete, a hundred boots) costs one refetch per this many ms, not one per event. */
const COALESCE_MS = 300;

/**
 * Keeps pages that show aggregates (every project's instances, hypervisor usage) live: any new event of one of
 * `types` that the socket receives refetches `queryKeys`, as does a reconnect (events were missed while it was down).
 * Pages that can patch their rows from the event itself do that instead (use-instance-events.ts).
 */
export function useRefetchOnEvents(queryKeys: QueryKey[], types: string[]) {
  const queryClient = useQueryClient();
  const { recentAll, status } = useRealtimeFeed();
  const newestSeen = useRef(recentAll[0]);
  const lastStatus = useRef(status);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef({ queryKeys, types });
  latest.current = { queryKeys, types };

  useEffect(() => {
    const refetch = () => {
      if (timer.current) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        for (const queryKey of latest.current.queryKeys) void queryClient.invalidateQueries({ queryKey });
      }, COALESCE_MS);
    };
    const stop = recentAll.indexOf(newestSeen.current!);
    const fresh = stop < 0 ? recentAll : recentAll.slice(0, stop);
    newestSeen.current = recentAll[0];
    if (fresh.some((e) => latest.current.types.includes(e.type))) refetch();

    const was = lastStatus.current;
    lastStatus.current = status;
    if (status === 'live' && was !== 'live') refetch();
  }, [recentAll, status, queryClient]);

  useEffect(() => () => clearTimeout(timer.current), []);
}
