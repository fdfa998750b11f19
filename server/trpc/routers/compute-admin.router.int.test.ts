import { beforeAll, describe, expect, it } from 'vitest';
import { computeClient } from '../../../tests/helpers/compute-client';
import { identityClient, suffix, waitUntil, type Actor } from '../../../tests/helpers/identity-client';
import { uploadImage, waitForStatus } from '../../../tests/helpers/server-fixtures';
import { startTestStack, type TestStack } from '../../../tests/helpers/stack';
import { trpcHttp } from '../trpc.harness';

const HOST = `adm-${suffix()}`;
let stack: TestStack;
let trpc: ReturnType<typeof trpcHttp>;
let admin: { cookie: string };
let alice: Actor & { cookie: string };
let bob: Actor;

beforeAll(async () => {
  stack = await startTestStack({ COMPUTE_DRIVER: 'test', COMPUTE_HOST: HOST });
  trpc = trpcHttp(stack.url);
  const ids = identityClient(stack);
  const two = await ids.twoProjects();
  alice = { ...two.alice, cookie: (await trpc.login(two.alice.name, two.alice.password)).cookie };
  bob = two.bob;
  admin = { cookie: (await trpc.login('admin', 'admin-secret')).cookie };
  // the simulated host reports itself once its agent is up
  await waitUntil(
    'the compute host',
    async () => {
      const r = await trpc.query('computeAdmin.services.list', undefined, admin);
      return r.data?.some((s: { host: string }) => s.host === HOST);
    },
    30_000,
  );
}, 120_000);

describe('compute admin over tRPC', () => {
  it('lists the hypervisor with its capacity, usage, state and status', async () => {
    const r = await trpc.query('computeAdmin.hypervisors.list', undefined, admin);
    const h = r.data.find((x: { host: string }) => x.host === HOST);
    expect(h).toMatchObject({
      host: HOST,
      state: 'up',
      status: 'enabled',
      vcpus: expect.any(Number),
      vcpusUsed: expect.any(Number),
      memoryMb: expect.any(Number),
      memoryMbUsed: expect.any(Number),
      diskGb: expect.any(Number),
      diskGbUsed: expect.any(Number),
      runningVms: expect.any(Number),
    });
    expect(h.vcpus).toBeGreaterThan(0);
  });

  it('disables the compute service with a reason and enables it again', async () => {
    const off = await trpc.mutate(
      'computeAdmin.services.setEnabled',
      { host: HOST, enabled: false, reason: 'disk swap <b>today</b>' },
      admin,
    );
    expect(off.data).toMatchObject({ host: HOST, status: 'disabled', disabledReason: 'disk swap <b>today</b>' });
    const listed = await trpc.query('computeAdmin.services.list', undefined, admin);
    expect(listed.data.find((s: { host: string }) => s.host === HOST)).toMatchObject({
      status: 'disabled',
      state: 'up',
    });

    const on = await trpc.mutate('computeAdmin.services.setEnabled', { host: HOST, enabled: true }, admin);
    expect(on.data).toMatchObject({ status: 'enabled', disabledReason: null });
    const missing = await trpc.mutate('computeAdmin.services.setEnabled', { host: 'nope', enabled: true }, admin);
    expect(missing.error.data.code).toBe('NOT_FOUND');
  });

  it("lists every project's servers with project and host, a page at a time", async () => {
    const adminToken = await identityClient(stack).admin();
    const nova = computeClient(stack);
    const image = await uploadImage(stack, adminToken, { visibility: 'public' });
    const boot = async (token: string, name: string) => {
      const r = await nova.call('POST', '/servers', {
        token,
        body: { server: { name, imageRef: image.id, flavorRef: '42' } },
      });
      return waitForStatus(nova, token, r.body.server.id, 'ACTIVE');
    };
    const a = await boot(alice.token, `a-${suffix()}`);
    const b = await boot(bob.token, `b-${suffix()}`);

    const first = await trpc.query('computeAdmin.servers.listAll', { limit: 1 }, admin);
    expect(first.data.servers).toHaveLength(1);
    expect(first.data.servers[0]).toMatchObject({ id: b.id, projectId: bob.projectId, host: HOST, status: 'ACTIVE' });
    expect(first.data.nextMarker).toBe(b.id);
    const second = await trpc.query('computeAdmin.servers.listAll', { limit: 1, marker: first.data.nextMarker }, admin);
    expect(second.data.servers[0]).toMatchObject({ id: a.id, projectId: alice.projectId, host: HOST });

    const onlyAlice = await trpc.query('computeAdmin.servers.listAll', { projectId: alice.projectId }, admin);
    expect(onlyAlice.data.servers.map((s: { id: string }) => s.id)).toEqual([a.id]);
    expect(onlyAlice.data.nextMarker).toBeNull();
  }, 90_000);

  it('creates and deletes a flavor; a duplicate name is a CONFLICT', async () => {
    const name = `f-${suffix()}`;
    const created = await trpc.mutate(
      'computeAdmin.flavors.create',
      { name, vcpus: 2, ramMb: 1024, diskGb: 10, isPublic: false, description: 'test' },
      admin,
    );
    expect(created.data).toMatchObject({ name, vcpus: 2, ramMb: 1024, diskGb: 10, isPublic: false });
    expect(
      (await trpc.query('computeAdmin.flavors.list', undefined, admin)).data.map((f: { name: string }) => f.name),
    ).toContain(name);
    const dup = await trpc.mutate('computeAdmin.flavors.create', { name, vcpus: 1, ramMb: 1, diskGb: 0 }, admin);
    expect(dup.error.data.code).toBe('CONFLICT');
    const invalid = await trpc.mutate(
      'computeAdmin.flavors.create',
      { name: ' ', vcpus: 0, ramMb: 1, diskGb: 0 },
      admin,
    );
    expect(Object.keys(invalid.error.data.validation.fieldErrors).sort()).toEqual(['name', 'vcpus']);
    expect((await trpc.mutate('computeAdmin.flavors.delete', { id: created.data.id }, admin)).status).toBe(200);
    expect((await trpc.mutate('computeAdmin.flavors.delete', { id: created.data.id }, admin)).error.data.code).toBe(
      'NOT_FOUND',
    );
  });

  it("reads and sets a project's quotas; a limit below usage is refused", async () => {
    const got = await trpc.query('computeAdmin.quotas.get', { projectId: alice.projectId }, admin);
    expect(got.data.find((q: { resource: string }) => q.resource === 'instances')).toMatchObject({
      limit: expect.any(Number),
      inUse: expect.any(Number),
    });
    const set = await trpc.mutate(
      'computeAdmin.quotas.set',
      { projectId: bob.projectId, limits: { cores: 40, ram: -1 } },
      admin,
    );
    expect(set.data.find((q: { resource: string }) => q.resource === 'cores').limit).toBe(40);
    expect(set.data.find((q: { resource: string }) => q.resource === 'ram').limit).toBe(-1);
    const invalid = await trpc.mutate(
      'computeAdmin.quotas.set',
      { projectId: bob.projectId, limits: { cores: -2 } },
      admin,
    );
    expect(invalid.error.data.validation.fieldErrors).toEqual({ 'limits.cores': ['must be -1 (unlimited) or more'] });
    const unknown = await trpc.mutate(
      'computeAdmin.quotas.set',
      { projectId: bob.projectId, limits: { bogus: 1 } },
      admin,
    );
    expect(unknown.error.data.code).toBe('BAD_REQUEST');
  });

  it('answers FORBIDDEN to a member for every procedure, and UNAUTHORIZED without a session', async () => {
    const queries: [string, unknown][] = [
      ['computeAdmin.hypervisors.list', undefined],
      ['computeAdmin.services.list', undefined],
      ['computeAdmin.servers.listAll', {}],
      ['computeAdmin.flavors.list', undefined],
      ['computeAdmin.quotas.get', { projectId: alice.projectId }],
    ];
    const mutations: [string, unknown][] = [
      ['computeAdmin.services.setEnabled', { host: HOST, enabled: false, reason: 'mine now' }],
      ['computeAdmin.flavors.create', { name: `f-${suffix()}`, vcpus: 1, ramMb: 64, diskGb: 1 }],
      ['computeAdmin.flavors.delete', { id: '42' }],
      ['computeAdmin.quotas.set', { projectId: alice.projectId, limits: { instances: 1000 } }],
    ];
    for (const [path, input] of queries) {
      const r = await trpc.query(path, input, alice);
      expect([path, r.status, r.error?.data?.code]).toEqual([path, 403, 'FORBIDDEN']);
      expect((await trpc.query(path, input)).status).toBe(401);
    }
    for (const [path, input] of mutations) {
      const r = await trpc.mutate(path, input, alice);
      expect([path, r.status, r.error?.data?.code]).toEqual([path, 403, 'FORBIDDEN']);
    }
    // nothing changed
    const services = await trpc.query('computeAdmin.services.list', undefined, admin);
    expect(services.data.find((s: { host: string }) => s.host === HOST).status).toBe('enabled');
  });
});
