'use client';

import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useRealtime, type RealtimeStatus } from '@web/lib/realtime';
import { useTRPC } from '@web/lib/trpc';
import type { TRealtimeEnvelope } from '@server/realtime/realtime.types';

/**
 * `recent`: the newest events of the session's project, newest first. `recentAll`: every event the socket received,
 * which for a cloud admin includes every project's (the admin pages show them all).
 */
type Realtime = { status: RealtimeStatus; recent: TRealtimeEnvelope[]; recentAll: TRealtimeEnvelope[] };
const RealtimeContext = createContext<Realtime>({ status: 'offline', recent: [], recentAll: [] });

/**
 * One socket per tab for the session's project. Pages read the recent events (and, later, invalidate their
 * queries on them); when the server ends the socket because the session ended, the session query learns it.
 */
export function RealtimeProvider({ projectId, children }: { projectId: string | undefined; children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [recent, setRecent] = useState<TRealtimeEnvelope[]>([]);
  const onEvent = useCallback((e: TRealtimeEnvelope) => setRecent((r) => [e, ...r].slice(0, 20)), []);
  const onExpired = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: trpc.session.me.queryKey() }),
    [queryClient, trpc],
  );
  const status = useRealtime(projectId, { onEvent, onExpired });
  const value = useMemo(
    () => ({ status, recent: recent.filter((e) => e.projectId === projectId), recentAll: recent }),
    [status, recent, projectId],
  );
  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}

export const useRealtimeFeed = () => useContext(RealtimeContext);

export function LiveIndicator() {
  const { status } = useRealtimeFeed();
  const label = { live: 'Live', connecting: 'Connecting…', offline: 'Offline' }[status];
  return (
    <span className={`live live--${status}`} role="status" title="Live updates from the server">
      {label}
    </span>
  );
}
