import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Server, type Socket } from 'socket.io';
import { logger } from '../lib/logger';
import { readSessionCookie } from '../lib/session-cookie';
import { isCloudAdmin, type AuthContext } from '../policy/auth-context';
import type { TokenService } from '../services/identity/token.service';
import type { TRealtimeEnvelope, TRealtimeEvent } from './realtime.types';

const log = logger.child({ c: 'realtime' });

type ServerToClient = {
  /** Every published event, on one channel: the client dispatches on `type`. */
  event: (e: TRealtimeEnvelope) => void;
  /** The token expired or was revoked; the server disconnects right after. */
  'session:expired': () => void;
};
type SocketData = { auth: AuthContext };
type GatewaySocket = Socket<Record<string, never>, ServerToClient, Record<string, never>, SocketData>;

export type RealtimeGateway = {
  /**
   * Sends an event to the sockets of its project (room `project:<id>`) and to cloud admins (room `admin`, whose
   * pages show every project). `projectId: null` reaches admins only. Fire-and-forget; nothing is queued for
   * sockets that are not connected.
   */
  publish(event: TRealtimeEvent): void;
  /** Sockets currently connected (for tests and diagnostics). */
  connections(): number;
};

export const projectRoom = (projectId: string) => `project:${projectId}`;
export const ADMIN_ROOM = 'admin';

/** The handshake's error, as the client's `connect_error` sees it: `err.message === 'unauthorized'`. */
const unauthorized = (reason: string) =>
  Object.assign(new Error('unauthorized'), { data: { code: 'UNAUTHORIZED', reason } });

/** A cookie-authenticated handshake must come from our own pages: another site's script could otherwise ride on it. */
function sameOrigin(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (!origin) return true; // not a browser (browsers always send Origin on WebSocket and CORS requests)
  try {
    const o = new URL(origin);
    return o.host === host || o.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

/**
 * socket.io on the one HTTP server: the handshake authenticates with the session cookie (or `auth.token`, for
 * non-browser clients), a socket joins the room of its token's project, and is disconnected when its token expires
 * or is found revoked (checked every `revalidateMs`): 401 everywhere, socket.io included.
 */
export function attachRealtime(
  app: FastifyInstance,
  deps: { tokens: TokenService; publicUrl: string; revalidateMs?: number },
): RealtimeGateway {
  const io = new Server<Record<string, never>, ServerToClient, Record<string, never>, SocketData>(app.server, {
    path: '/socket.io',
    serveClient: false,
  });
  const expiryTimers = new Map<string, NodeJS.Timeout>();

  io.use((socket, next) => {
    const h = socket.handshake;
    const explicit = typeof h.auth?.token === 'string' ? (h.auth.token as string) : undefined;
    const token = explicit ?? readSessionCookie(h.headers.cookie);
    if (!explicit && token && !sameOrigin(h.headers.origin, h.headers.host, deps.publicUrl)) {
      return next(unauthorized('cross-origin handshake'));
    }
    deps.tokens.validate(token, `req-${randomUUID()}`).then(
      (auth) => {
        socket.data.auth = auth;
        next();
      },
      () => next(unauthorized('invalid, expired or revoked token')),
    );
  });

  io.on('connection', (socket: GatewaySocket) => {
    const { auth } = socket.data;
    if (auth.projectId) void socket.join(projectRoom(auth.projectId));
    if (isCloudAdmin(auth)) void socket.join(ADMIN_ROOM);
    // setTimeout takes at most 2^31-1 ms; tokens live far less than that
    const ttl = Math.min(Math.max(0, auth.expiresAt.getTime() - Date.now()), 2 ** 31 - 1);
    expiryTimers.set(
      socket.id,
      setTimeout(() => expire(socket), ttl),
    );
    socket.on('disconnect', () => {
      clearTimeout(expiryTimers.get(socket.id));
      expiryTimers.delete(socket.id);
    });
  });

  function expire(socket: GatewaySocket) {
    socket.emit('session:expired');
    socket.disconnect(true);
  }

  // revocations (sign-out, disabled user, role revoked) end live sockets too, not only new handshakes
  const sweep = setInterval(() => {
    for (const socket of io.of('/').sockets.values()) {
      deps.tokens.validate(socket.data.auth.token, `req-${randomUUID()}`).catch(() => expire(socket));
    }
  }, deps.revalidateMs ?? 30_000);
  sweep.unref();

  // before Fastify closes the HTTP server: open WebSockets would otherwise keep it from closing
  app.addHook('preClose', async () => {
    clearInterval(sweep);
    for (const timer of expiryTimers.values()) clearTimeout(timer);
    expiryTimers.clear();
    io.disconnectSockets(true);
    io.engine.close();
  });

  return {
    publish(event) {
      const rooms = event.projectId ? [projectRoom(event.projectId), ADMIN_ROOM] : [ADMIN_ROOM];
      io.to(rooms).emit('event', { ...event, at: new Date().toISOString() });
      log.trace({ type: event.type, projectId: event.projectId }, 'published');
    },
    connections: () => io.of('/').sockets.size,
  };
}
