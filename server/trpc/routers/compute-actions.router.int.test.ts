import { beforeAll, describe, expect, it } from 'vitest';
import { computeClient, type ComputeClient } from '../../../tests/helpers/compute-client';
import { identityClient, suffix, waitUntil, type Actor } from '../../../tests/helpers/identity-client';
import { uploadImage, waitForStatus } from '../../../tests/helpers/server-fixtures';
import { startTestStack, type TestStack } from '../../../tests/helpers/stack';
import { trpcHttp } from '../trpc.harness';

/**
 * The detail page's and the wizard's procedures over HTTP: rename, resize, metadata and server groups answer for the
 * caller's own project only, refuse bad input by field, and keep the server's state rules.
 */
const HOST = `act-${suffix()}`;
let stack: TestStack;
let trpc: ReturnType<typeof trpcHttp>;
let nova: ComputeClient;
let alice: Actor & { cookie: string };
let bob: Actor & { cookie: string };
let serverId: string;

beforeAll(async () => {
  stack = await startTestStack({ COMPUTE_DRIVER: 'test', COMPUTE_HOST: HOST });
  trpc = trpcHttp(stack.url);
  nova = computeClient(stack);
  const ids = identityClient(stack);
  const two = await ids.twoProjects();
  alice = { ...two.alice, cookie: (await trpc.login(two.alice.name, two.alice.password)).cookie };
  bob = { ...two.bob, cookie: (await trpc.login(two.bob.name, two.bob.password)).cookie };
  const { id: imageId } = await uploadImage(stack, alice.token);
  // the simulated host takes boots once its agent is up
  await waitUntil(
    'a server on the compute host',
    async () => {
      const r = await nova.call('POST', '/servers', {
        token: alice.token,
        body: { server: { name: `srv-${suffix()}`, imageRef: imageId, flavorRef: '42' } },
      });
      if (r.status !== 202) return false;
      serverId = (r.body as { server: { id: string } }).server.id;
      return true;
    },
    30_000,
  );
  await waitForStatus(nova, alice.token, serverId, 'ACTIVE');
}, 120_000);

describe('instance actions and server groups over tRPC', () => {
  it('renames, refusing an empty name by its field', async () => {
    const empty = await trpc.mutate('compute.servers.rename', { id: serverId, name: '  ' }, alice);
    expect(empty.status).toBe(400);
    expect(empty.error.data.validation.fieldErrors.name).toEqual(['Enter a name.']);
    const name = `new-${suffix()}`;
    const r = await trpc.mutate('compute.servers.rename', { id: serverId, name }, alice);
    expect(r.data).toMatchObject({ id: serverId, name });
  });

  it('keeps metadata within Nova’s limits and refuses changes while the server is busy', async () => {
    const long = await trpc.mutate('compute.metadata.set', { id: serverId, key: 'k'.repeat(256), value: 'v' }, alice);
    expect(long.status).toBe(400);
    expect(long.error.data.validation.fieldErrors.key).toEqual(['must be at most 255 characters']);
    expect((await trpc.mutate('compute.metadata.set', { id: serverId, key: 'a', value: '1' }, alice)).data).toEqual({
      a: '1',
    });
    expect((await trpc.mutate('compute.metadata.delete', { id: serverId, key: 'a' }, alice)).data).toEqual({});
    const missing = await trpc.mutate('compute.metadata.delete', { id: serverId, key: 'a' }, alice);
    expect(missing.status).toBe(404);
  });

  it('resizes to VERIFY_RESIZE, refuses the same flavor, and a revert takes the old flavor back', async () => {
    const same = await trpc.mutate('compute.servers.resize', { id: serverId, flavorId: '42' }, alice);
    expect(same.status).toBe(400);
    expect(same.error.message).toMatch(/must change flavor/);
    const r = await trpc.mutate('compute.servers.resize', { id: serverId, flavorId: '84' }, alice);
    expect(r.data).toMatchObject({ status: 'RESIZE', taskState: 'resize_prep' });
    await waitForStatus(nova, alice.token, serverId, 'VERIFY_RESIZE');
    // metadata waits too: the server is not settled
    const busy = await trpc.mutate('compute.metadata.set', { id: serverId, key: 'b', value: '2' }, alice);
    expect(busy.status).toBe(409);
    await trpc.mutate('compute.servers.action', { id: serverId, action: 'revert_resize' }, alice);
    await waitForStatus(nova, alice.token, serverId, 'ACTIVE');
    expect((await trpc.query('compute.servers.get', { id: serverId }, alice)).data.flavor.id).toBe('42');
  });

  it('another project can neither see nor change the server, its metadata or the group', async () => {
    const g = await trpc.mutate('compute.serverGroups.create', { name: `g-${suffix()}`, policy: 'affinity' }, alice);
    expect(g.data).toMatchObject({ policy: 'affinity', members: [] });
    expect(
      (await trpc.query('compute.serverGroups.list', undefined, alice)).data.map((x: { id: string }) => x.id),
    ).toContain(g.data.id);
    expect((await trpc.query('compute.serverGroups.list', undefined, bob)).data).toEqual([]);
    expect((await trpc.query('compute.serverGroups.get', { id: g.data.id }, bob)).status).toBe(404);
    expect((await trpc.mutate('compute.servers.rename', { id: serverId, name: 'x' }, bob)).status).toBe(404);
    expect((await trpc.mutate('compute.servers.resize', { id: serverId, flavorId: '84' }, bob)).status).toBe(404);
    expect((await trpc.mutate('compute.servers.rebuild', { id: serverId, imageId: 'x' }, bob)).status).toBe(404);
    expect((await trpc.query('compute.metadata.list', { id: serverId }, bob)).status).toBe(404);
    expect((await trpc.mutate('compute.metadata.set', { id: serverId, key: 'k', value: 'v' }, bob)).status).toBe(404);
  });

  it('refuses a group policy Nova does not have, by its field', async () => {
    const bad = await trpc.mutate('compute.serverGroups.create', { name: 'g', policy: 'spread' }, alice);
    expect(bad.status).toBe(400);
    expect(bad.error.data.validation.fieldErrors.policy).toBeDefined();
  });
});
