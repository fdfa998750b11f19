import { beforeAll, describe, expect, it } from 'vitest';
import { onFileEnd } from '../../../tests/helpers/file-cleanup';
import { identityClient, suffix, type Actor } from '../../../tests/helpers/identity-client';
import { startTestStack, type TestStack } from '../../../tests/helpers/stack';
import { seedInstance } from '../../../tests/helpers/usage-fixtures';
import { createDb } from '../../db/client';
import { trpcHttp } from '../trpc.harness';

let stack: TestStack;
let trpc: ReturnType<typeof trpcHttp>;
let ks: ReturnType<typeof identityClient>;
let alice: Actor & { cookie: string };
let bob: Actor & { cookie: string };

beforeAll(async () => {
  stack = await startTestStack();
  trpc = trpcHttp(stack.url);
  ks = identityClient(stack);
  const { alice: a, bob: b } = await ks.twoProjects();
  alice = { ...a, cookie: (await trpc.login(a.name, a.password)).cookie };
  bob = { ...b, cookie: (await trpc.login(b.name, b.password)).cookie };
});

/** An application credential's id and secret exchanged for a token, as a CLI would. */
const tokenFor = (id: string, secret: string) =>
  ks.call('POST', '/auth/tokens', {
    body: { auth: { identity: { methods: ['application_credential'], application_credential: { id, secret } } } },
  });

describe('tRPC account: CLI files and application credentials', () => {
  it("describes the session's project and the public identity endpoint for an openrc", async () => {
    const r = await trpc.query('account.cliTarget', undefined, { cookie: alice.cookie });
    expect(r.data).toEqual({
      authUrl: stack.identityUrl,
      regionName: 'RegionOne',
      interface: 'public',
      project: { id: alice.projectId, name: alice.projectName, domainId: 'default', domainName: 'Default' },
      user: { name: alice.name, domainName: 'Default' },
    });
    expect((await trpc.query('account.cliTarget')).status).toBe(401);
  });

  it('creates a credential with a subset of the roles, whose secret signs in once shown; deleting it ends that', async () => {
    const roles = (await trpc.query('account.delegableRoles', undefined, { cookie: alice.cookie })).data as {
      id: string;
      name: string;
    }[];
    expect(roles.map((r) => r.name)).toEqual(['member', 'reader']);
    const reader = roles.find((r) => r.name === 'reader')!;
    const name = `ci-${suffix()}`;
    const created = await trpc.mutate(
      'account.appCredentials.create',
      { name, description: 'for CI', roleIds: [reader.id], expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      { cookie: alice.cookie },
    );
    expect(created.status).toBe(200);
    const { credential, secret } = created.data;
    expect(credential).toMatchObject({ name, description: 'for CI', projectId: alice.projectId, unrestricted: false });
    expect(credential.roles).toEqual([{ id: reader.id, name: 'reader' }]);
    expect(secret.length).toBeGreaterThan(20);

    const listed = await trpc.query('account.appCredentials.list', undefined, { cookie: alice.cookie });
    expect(listed.data.map((c: { name: string }) => c.name)).toEqual([name]);
    expect(JSON.stringify(listed.data)).not.toContain(secret);

    const token = await tokenFor(credential.id, secret);
    expect(token.status).toBe(201);
    expect(token.body.token.roles.map((r: { name: string }) => r.name)).toEqual(['reader']);
    expect(token.body.token.project.id).toBe(alice.projectId);

    // bob sees none of alice's and cannot delete hers
    expect((await trpc.query('account.appCredentials.list', undefined, { cookie: bob.cookie })).data).toEqual([]);
    const theft = await trpc.mutate('account.appCredentials.delete', { id: credential.id }, { cookie: bob.cookie });
    expect(theft.error.data.code).toBe('NOT_FOUND');

    expect(
      (await trpc.mutate('account.appCredentials.delete', { id: credential.id }, { cookie: alice.cookie })).status,
    ).toBe(200);
    expect((await tokenFor(credential.id, secret)).status).toBe(401);
    expect((await trpc.query('account.appCredentials.list', undefined, { cookie: alice.cookie })).data).toEqual([]);
  });

  it('refuses an expiry in the past, roles the user does not hold and a duplicate name, each naming the problem', async () => {
    const past = await trpc.mutate(
      'account.appCredentials.create',
      { name: `p-${suffix()}`, expiresAt: '2020-01-01T00:00:00Z' },
      { cookie: alice.cookie },
    );
    expect(past.error.data.validation.fieldErrors.expiresAt).toEqual(['must be in the future']);
    const admin = (await ks.call('GET', '/roles?name=admin', { token: await ks.admin() })).body.roles[0].id as string;
    const escalate = await trpc.mutate(
      'account.appCredentials.create',
      { name: `e-${suffix()}`, roleIds: [admin] },
      { cookie: alice.cookie },
    );
    expect(escalate.error.data.code).toBe('FORBIDDEN');
    expect(escalate.error.message).toContain('roles you do not hold');
    const name = `d-${suffix()}`;
    expect((await trpc.mutate('account.appCredentials.create', { name }, { cookie: alice.cookie })).status).toBe(200);
    const again = await trpc.mutate('account.appCredentials.create', { name }, { cookie: alice.cookie });
    expect(again.error.data.code).toBe('CONFLICT');
    const listed = await trpc.query('account.appCredentials.list', undefined, { cookie: alice.cookie });
    expect(listed.data.map((c: { name: string }) => c.name)).toEqual([name]);
  });
});

describe('tRPC usage: the overview chart', () => {
  it("gives the session project's usage per day, today last, and only its own", async () => {
    const db = createDb(stack.databaseUrl, { poolSize: 1 });
    onFileEnd(() => db.$disconnect());
    // three hours ago to one hour ago: 2 instance-hours, wherever midnight falls
    await seedInstance(db, alice, {
      launchedAt: new Date(Date.now() - 3 * 3_600_000),
      terminatedAt: new Date(Date.now() - 3_600_000),
    });
    const r = await trpc.query('usage.daily', { days: 14 }, { cookie: alice.cookie });
    expect(r.data).toHaveLength(14);
    expect(r.data.at(-1).date).toBe(new Date().toISOString().slice(0, 10));
    const total = r.data.reduce((n: number, d: { instanceHours: number }) => n + d.instanceHours, 0);
    expect(total).toBeCloseTo(2, 5);
    expect(r.data.reduce((n: number, d: { memoryMbHours: number }) => n + d.memoryMbHours, 0)).toBeCloseTo(2 * 2048, 3);

    const bobs = await trpc.query('usage.daily', { days: 30 }, { cookie: bob.cookie });
    expect(bobs.data).toHaveLength(30);
    expect(bobs.data.every((d: { instanceHours: number }) => d.instanceHours === 0)).toBe(true);
    const odd = await trpc.query('usage.daily', { days: 7 }, { cookie: alice.cookie });
    expect(odd.error.data.validation.fieldErrors.days).toEqual(['must be one of 14, 30']);
  });
});
