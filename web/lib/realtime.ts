'use client';

import { useEffect, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import type { TRealtimeEnvelope } from '@server/realtime/realtime.types';

export type RealtimeStatus = 'connecting' | 'live' | 'offline';

/**
 * The live event stream of the session's project (socket.io, authenticated by the session cookie). The server
 * joins the socket to its project's room at the handshake, so a project switch reconnects: pass the project id.
 * `onExpired` runs when the server ends the socket because the session ended.
 */
export function useRealtime(
  projectId: string | undefined,
  handlers: { onEvent?: (e: TRealtimeEnvelope) => void; onExpired?: () => void } = {},
): RealtimeStatus {
  const [status, setStatus] = useState<RealtimeStatus>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    if (!projectId) return;
    setStatus('connecting');
    const socket = io({ path: '/socket.io', withCredentials: true });
    let expired = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    socket.on('connect', () => setStatus('live'));
    socket.on('disconnect', (reason) => {
      setStatus('offline');
      // socket.io reconnects by itself after a lost connection, but not when the server hung up, which is also what
      // a server going down for a restart does: try again then, unless it hung up because the session ended
      if (reason === 'io server disconnect' && !expired)
        retry = setTimeout(() => socket.connect(), 1000 + Math.random() * 1000);
    });
    socket.on('connect_error', () => setStatus('offline'));
    socket.on('event', (e: TRealtimeEnvelope) => latest.current.onEvent?.(e));
    socket.on('session:expired', () => {
      expired = true;
      latest.current.onExpired?.();
    });
    return () => {
      clearTimeout(retry);
      socket.disconnect();
    };
  }, [projectId]);

  return projectId ? status : 'offline';
}
