import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { identityClient, waitUntil, type IdentityClient } from '../../tests/helpers/identity-client';
import { startTestStack, type RunningTestStack } from '../../tests/helpers/stack';
import { trpcHttp } from '../trpc/trpc.harness';
import type { TRealtimeEnvelope } from './realtime.types';

let stack: RunningTestStack;
let idc: IdentityClient;
const sockets: Socket[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  idc = identityClient(stack);
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});

type Opened = { socket: Socket; events: TRealtimeEnvelope[] };

/** Connects like the dashboard does (cookie) or like a tool does (auth.token); resolves once connected or refused. */
function open(
  url: string,
  how: { cookie?: string; token?: string; origin?: string },
): Promise<Opened & { error?: Error & { data?: unknown } }> {
  const headers: Record<string, string> = {};
  if (how.cookie) headers.cookie = how.cookie;
  if (how.origin) headers.origin = how.origin;
  const socket = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: headers,
    auth: how.token ? { token: how.token } : {},
  });
  sockets.push(socket);
  const events: TRealtimeEnvelope[] = [];
  socket.on('event', (e: TRealtimeEnvelope) => events.push(e));
  return new Promise((resolve) => {
    socket.on('connect', () => resolve({ socket, events }));
    socket.on('connect_error', (error) => resolve({ socket, events, error }));
  });
}

describe('realtime gateway (socket.io)', () => {
  it('delivers a project’s events to its members only, and every project’s to admins', async () => {
    const { alice, bob } = await idc.twoProjects();
    const web = trpcHttp(stack.url);
    const aliceSession = await web.login(alice.name, alice.password);
    const a = await open(stack.url, { cookie: aliceSession.cookie, origin: stack.url });
    const b = await open(stack.url, { token: bob.token });
    const admin = await open(stack.url, { token: await idc.admin() });
    expect([a.error, b.error, admin.error]).toEqual([undefined, undefined, undefined]);

    stack.realtime.publish({
      projectId: alice.projectId,
      type: 'instance.update',
      payload: { id: 'i-1', status: 'ACTIVE' },
    });
    stack.realtime.publish({
      projectId: bob.projectId,
      type: 'instance.update',
      payload: { id: 'i-2', status: 'BUILD' },
    });
    stack.realtime.publish({ projectId: null, type: 'host.down', payload: { host: 'c1' } });

    await waitUntil('admin received all three events', async () => admin.events.length === 3);
    await waitUntil('members received theirs', async () => a.events.length === 1 && b.events.length === 1);
    expect(a.events[0]).toMatchObject({ projectId: alice.projectId, type: 'instance.update', payload: { id: 'i-1' } });
    expect(b.events[0]).toMatchObject({ projectId: bob.projectId, payload: { id: 'i-2' } });
    expect(admin.events.map((e) => e.type)).toEqual(['instance.update', 'instance.update', 'host.down']);
    // nothing else trickles in: a later event to alice arrives alone, after the earlier ones
    stack.realtime.publish({ projectId: alice.projectId, type: 'marker', payload: null });
    await waitUntil('marker', async () => a.events.length === 2);
    expect(b.events).toHaveLength(1);
  });

  it('refuses a handshake without a token, with a revoked token, or with a cookie from another origin', async () => {
    const none = await open(stack.url, {});
    expect(none.error?.message).toBe('unauthorized');
    expect(none.error?.data).toMatchObject({ code: 'UNAUTHORIZED' });

    const web = trpcHttp(stack.url);
    const session = await web.login('admin', 'admin-secret');
    const foreign = await open(stack.url, { cookie: session.cookie, origin: 'https://evil.example' });
    expect(foreign.error?.message).toBe('unauthorized');

    await web.mutate('session.logout', undefined, { cookie: session.cookie });
    const revoked = await open(stack.url, { cookie: session.cookie, origin: stack.url });
    expect(revoked.error?.message).toBe('unauthorized');
    const revokedByToken = await open(stack.url, { token: session.token });
    expect(revokedByToken.error?.message).toBe('unauthorized');
    expect(stack.realtime.connections()).toBe(0);
  });
});

describe('realtime session expiry', () => {
  let short: RunningTestStack;
  beforeAll(async () => {
    short = await startTestStack({ TOKEN_TTL_SECONDS: '1' });
  });

  it('disconnects a socket when its token expires, telling it why', async () => {
    const { token } = await trpcHttp(short.url).login('admin', 'admin-secret');
    const s = await open(short.url, { token });
    expect(s.error).toBeUndefined();
    let expired = false;
    s.socket.on('session:expired', () => (expired = true));
    await waitUntil('the server disconnects the expired session', async () => !s.socket.connected, 3000);
    expect(expired).toBe(true);
    expect(short.realtime.connections()).toBe(0);
  });
});
