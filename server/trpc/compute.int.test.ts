import { TRPCError } from '@trpc/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { onFileEnd } from '../../tests/helpers/file-cleanup';
import { identityClient, suffix, waitUntil, type Actor } from '../../tests/helpers/identity-client';
import { uploadImage } from '../../tests/helpers/server-fixtures';
import { startTestStack } from '../../tests/helpers/stack';
import { loadConfig } from '../config/env';
import { createDb } from '../db/client';
import { isAppError } from '../lib/errors';
import { QuotaService } from '../quota/quota.service';
import { createBus } from '../rpc/create-bus';
import { createCompute, type Compute } from '../services/compute/compute.module';
import { createIdentity } from '../services/identity/identity.module';
import { createImages } from '../services/image/image.module';
import { createCaller } from './root';
import { createInnerContext } from './trpc';

/**
 * The compute router called in-process (createCaller on an inner context) against a running control plane: its own
 * services on the stack's database and in-process bus, so servers really go through the stack's scheduler and its
 * test-hypervisor host.
 */
type Caller = ReturnType<typeof createCaller>;
let as: (token?: string) => Caller;
let compute: Compute;
let alice: Actor;
let bob: Actor;
let adminToken: string;
let imageId: string;

beforeAll(async () => {
  const stack = await startTestStack({ COMPUTE_DRIVER: 'test', COMPUTE_HOST: 'host-t' });
  const config = loadConfig({
    NODE_ENV: 'test',
    STATE_DIR: stack.stateDir,
    PORT: new URL(stack.url).port,
    PASSWORD_HASH_COST: '1024',
    LOG_LEVEL: 'warn',
  });
  const db = createDb(stack.databaseUrl, { poolSize: 5 });
  const identity = await createIdentity(db, config);
  const images = createImages(db, config);
  // the in-process bus reaches the stack's scheduler, conductor and host: they share the process's broker
  const bus = createBus({ prefix: config.BUS_PREFIX });
  const quotas = new QuotaService(db);
  compute = createCompute({ db, config, bus, quotas, images });
  onFileEnd(async () => {
    await bus.close();
    await db.$disconnect();
  });
  as = (token) => createCaller(createInnerContext({ identity, compute, images, quotas, token }));

  const keystone = identityClient(stack);
  ({ alice, bob } = await keystone.twoProjects());
  adminToken = await keystone.admin();
  imageId = (await uploadImage(stack, adminToken, { visibility: 'public' })).id;
});

/** The AppError code (or `Zod` with the invalid fields) a call failed with. */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; fields?: string[] }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TRPCError);
  const cause = (e as TRPCError).cause;
  if (cause instanceof ZodError)
    return { code: 'Zod', message: cause.message, fields: cause.issues.map((i) => i.path.join('.')) };
  if (isAppError(cause)) return { code: cause.code, message: cause.message };
  return { code: (e as TRPCError).code, message: (e as TRPCError).message };
}

async function waitForStatus(token: string, id: string, status: string) {
  await waitUntil(
    `server ${id} to be ${status}`,
    async () => {
      const s = await as(token).compute.servers.get({ id });
      return s.status === status && s.taskState === null;
    },
    20_000,
  );
}

const launch = (token: string, extra: Partial<Parameters<Caller['compute']['servers']['create']>[0]> = {}) =>
  as(token).compute.servers.create({ name: `vm-${suffix()}`, imageId, flavorId: '42', ...extra });

describe('compute router', () => {
  it('launches with plain-text user data (stored base64), goes ACTIVE, shows its console and action log', async () => {
    const script = '#cloud-config\nruncmd: [echo héllo]\n';
    const { ids } = await launch(alice.token, { name: 'web-a', userData: script });
    expect(ids).toHaveLength(1);
    const id = ids[0]!;
    expect((await compute.internals.instances.get(id))?.userData).toBe(Buffer.from(script).toString('base64'));
    await waitForStatus(alice.token, id, 'ACTIVE');

    const server = await as(alice.token).compute.servers.get({ id });
    expect(server).toMatchObject({
      name: 'web-a',
      status: 'ACTIVE',
      vmState: 'active',
      powerStateName: 'RUNNING',
      host: null,
    });
    expect(server.flavor).toMatchObject({ id: '42', name: 'm1.nano' });
    expect(typeof server.createdAt).toBe('string');
    expect((await as(adminToken).compute.servers.get({ id })).host).toBe('host-t');

    const { output } = await as(alice.token).compute.servers.consoleLog({ id, lines: 20 });
    expect(output).toContain(id);
    const log = await as(alice.token).compute.servers.actions({ id });
    expect(log.map((a) => a.action)).toContain('create');
  });

  it('stops and starts a server, and refuses an action its state forbids', async () => {
    const id = (await launch(alice.token)).ids[0]!;
    await waitForStatus(alice.token, id, 'ACTIVE');
    expect(await failure(as(alice.token).compute.servers.action({ id, action: 'start' }))).toMatchObject({
      code: 'Conflict',
      message: expect.stringContaining('vm_state active'),
    });
    expect((await as(alice.token).compute.servers.action({ id, action: 'stop' })).taskState).toBe('powering-off');
    await waitForStatus(alice.token, id, 'SHUTOFF');
    await as(alice.token).compute.servers.action({ id, action: 'start' });
    await waitForStatus(alice.token, id, 'ACTIVE');
    const log = await as(alice.token).compute.servers.actions({ id });
    expect(log.map((a) => a.action).slice(0, 2)).toEqual(['start', 'stop']);
    expect(log[0]!.events[0]).toMatchObject({ event: 'compute_start_instance', result: 'Success' });

    await as(alice.token).compute.servers.delete({ id });
    const gone = () =>
      as(alice.token)
        .compute.servers.get({ id })
        .then(
          () => false,
          (e: unknown) => e instanceof TRPCError && isAppError(e.cause) && e.cause.code === 'NotFound',
        );
    await waitUntil('the server to be gone', gone, 20_000);
  });

  it('pages with a marker, filters by name and sorts', async () => {
    const name = `page-${suffix()}`;
    await launch(alice.token, { name, count: 3 });
    const first = await as(alice.token).compute.servers.list({
      name,
      limit: 2,
      sortKey: 'display_name',
      sortDir: 'asc',
    });
    expect(first.items.map((s) => s.name)).toEqual([`${name}-1`, `${name}-2`]);
    expect(first.nextMarker).toBe(first.items[1]!.id);
    const second = await as(alice.token).compute.servers.list({
      name,
      limit: 2,
      sortKey: 'display_name',
      sortDir: 'asc',
      marker: first.nextMarker!,
    });
    expect(second.items.map((s) => s.name)).toEqual([`${name}-3`]);
    expect(second.nextMarker).toBeNull();
    const desc = await as(alice.token).compute.servers.list({ name, sortKey: 'display_name', sortDir: 'desc' });
    expect(desc.items[0]!.name).toBe(`${name}-3`);
    expect(await failure(as(alice.token).compute.servers.list({ status: 'NOPE' }))).toMatchObject({
      code: 'BadRequest',
    });
  });

  it('keeps another project out: its servers are not listed and are not found', async () => {
    const id = (await launch(alice.token, { name: `private-${suffix()}` })).ids[0]!;
    const bobs = as(bob.token).compute.servers;
    expect((await bobs.list({})).items.map((s) => s.id)).not.toContain(id);
    for (const call of [
      bobs.get({ id }),
      bobs.action({ id, action: 'stop' }),
      bobs.delete({ id }),
      bobs.consoleLog({ id }),
      bobs.actions({ id }),
    ]) {
      expect((await failure(call)).code).toBe('NotFound');
    }
    expect((await as(alice.token).compute.servers.list({})).items.map((s) => s.id)).toContain(id);
  });

  it('returns field errors for the wizard, from the input and from the service', async () => {
    expect(await failure(launch(alice.token, { count: 0 }))).toMatchObject({ code: 'Zod', fields: ['count'] });
    expect(await failure(launch(alice.token, { userData: 'x'.repeat(50_000) }))).toMatchObject({
      code: 'Zod',
      fields: ['userData'],
    });
    expect(await failure(launch(alice.token, { name: ' padded ' }))).toMatchObject({ code: 'Zod', fields: ['name'] });
    expect(await failure(launch(alice.token, { flavorId: 'no-such' }))).toMatchObject({
      code: 'BadRequest',
      message: 'Flavor no-such could not be found.',
    });
    expect(await failure(launch(alice.token, { keyName: 'no-such-key' }))).toMatchObject({
      code: 'BadRequest',
      message: 'Invalid key_name provided.',
    });
  });

  it('lists flavors, bootable images and the project quota usage', async () => {
    const flavors = await as(alice.token).compute.flavors.list();
    expect(flavors.find((f) => f.id === '42')).toMatchObject({ name: 'm1.nano', ramMb: 128, vcpus: 1 });
    expect(flavors.map((f) => f.ramMb)).toEqual([...flavors.map((f) => f.ramMb)].sort((a, b) => a - b));
    const images = await as(alice.token).compute.images.bootable();
    expect(images.find((i) => i.id === imageId)).toMatchObject({ diskFormat: 'raw', minRam: 0, minDisk: 0 });
    const usage = await as(bob.token).compute.quota.usage();
    expect(usage.instances).toEqual({ limit: 10, inUse: 0 });
    expect(usage.cores?.limit).toBe(20);
    expect((await as(alice.token).compute.quota.usage()).instances!.inUse).toBeGreaterThan(0);
  });

  it('creates (private key once), imports, lists and deletes key pairs, each user seeing only their own', async () => {
    const keys = as(alice.token).compute.keypairs;
    const name = `k-${suffix()}`;
    const created = await keys.create({ name });
    expect(created.privateKey).toMatch(/^-----BEGIN (RSA )?PRIVATE KEY-----/);
    expect(created.keypair).toMatchObject({ name, type: 'ssh', fingerprint: expect.any(String) });
    expect(created.keypair).not.toHaveProperty('privateKey');
    expect((await failure(keys.create({ name }))).code).toBe('Conflict');

    const imported = await keys.import({ name: `${name}-imp`, publicKey: created.keypair.publicKey });
    expect(imported.fingerprint).toBe(created.keypair.fingerprint);
    expect(await failure(keys.import({ name: `${name}-bad`, publicKey: 'not a key' }))).toMatchObject({
      code: 'BadRequest',
    });
    expect((await keys.list()).map((k) => k.name)).toEqual(expect.arrayContaining([name, `${name}-imp`]));
    expect(JSON.stringify(await keys.list())).not.toContain('PRIVATE KEY');

    expect((await as(bob.token).compute.keypairs.list()).map((k) => k.name)).not.toContain(name);
    expect((await failure(as(bob.token).compute.keypairs.delete({ name }))).code).toBe('NotFound');
    await keys.delete({ name });
    expect((await keys.list()).map((k) => k.name)).not.toContain(name);
  });

  it('refuses callers without a session', async () => {
    expect((await failure(as(undefined).compute.servers.list({}))).code).toBe('Unauthorized');
    expect((await failure(as('not-a-token').compute.keypairs.list())).code).toBe('Unauthorized');
  });
});
