import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../tests/helpers/db';
import { createDb, type Db } from '../db/client';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import type { AuthContext } from '../policy/auth-context';
import { QuotaRegistry } from './quota-registry';
import { QuotaService } from './quota.service';

/** A token's context, built by hand: a user scoped to `projectId` holding `roles`. */
function authFor(projectId: string, roles: string[]): AuthContext {
  return {
    token: 'test-token',
    userId: `user-${projectId}`,
    userName: 'tester',
    userDomainId: 'default',
    userDomainName: 'Default',
    scope: {
      type: 'project',
      projectId,
      projectName: `p-${projectId}`,
      domainId: 'default',
      domainName: 'Default',
    },
    projectId,
    roles: roles.map((name) => ({ id: name, name })),
    roleNames: new Set(roles),
    methods: ['password'],
    auditIds: [],
    issuedAt: new Date(),
    expiresAt: new Date(Date.now() + 3_600_000),
    requestId: `req-${newId()}`,
  };
}

const rejection = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

describe('quotas', () => {
  let db: Db;
  let pool: Db;
  let quotas: QuotaService;
  const admin = authFor('admin-project', ['admin', 'member', 'reader']);
  const registry = new QuotaRegistry();
  registry.register({
    name: 'instances',
    defaultLimit: 10,
    description: 'Servers',
  });
  registry.register({ name: 'cores', defaultLimit: 20, description: 'vCPUs' });
  registry.register({
    name: 'ram',
    defaultLimit: 51_200,
    description: 'RAM in MiB',
  });
  registry.register({
    name: 'floating_ips',
    defaultLimit: -1,
    description: 'Floating IPs',
  });

  beforeAll(async () => {
    const t = await testDatabase();
    db = t.db;
    // the helper's client has 5 connections; parallel transactions each hold one, so the concurrency tests get their own
    pool = createDb(t.url, { poolSize: 20 });
    quotas = new QuotaService(db, registry);
  });
  // registered after testDatabase's own hook, so it runs first (hooks unwind as a stack) and the drop finds no client
  afterAll(async () => {
    await pool.$disconnect();
  });

  const reserveIn = (client: Db, projectId: string, deltas: Record<string, number>) =>
    client.$transaction((tx) => quotas.reserve(tx, projectId, deltas), {
      maxWait: 20_000,
      timeout: 20_000,
    });

  it('gives a new project the registered defaults, with nothing in use', async () => {
    const p = newId();
    expect(await quotas.limits(admin, p)).toEqual({
      instances: 10,
      cores: 20,
      ram: 51_200,
      floating_ips: -1,
    });
    expect((await quotas.usage(admin, p)).instances).toEqual({
      limit: 10,
      inUse: 0,
    });
  });

  it('lets a project reader see their own quota and usage', async () => {
    const p = newId();
    await reserveIn(db, p, { cores: 3 });
    expect((await quotas.usage(authFor(p, ['reader']), p)).cores).toEqual({
      limit: 20,
      inUse: 3,
    });
  });

  it('applies changed defaults to every project without its own limit', async () => {
    const local = new QuotaRegistry();
    local.register({
      name: 'volumes',
      defaultLimit: 10,
      description: 'Volumes',
    });
    const svc = new QuotaService(db, local);
    const p = newId();
    expect(await svc.setDefaults(admin, { volumes: 4 })).toEqual({
      volumes: 4,
    });
    expect(await svc.limits(admin, p)).toEqual({ volumes: 4 });
    expect(await svc.defaults(authFor(p, ['reader']))).toEqual({ volumes: 4 });
  });

  it('overrides a limit for one project only, and reset brings the defaults back', async () => {
    const [p, other] = [newId(), newId()];
    const res = await quotas.setLimits(admin, p, { instances: 3, cores: -1 });
    expect(res.limits).toMatchObject({ instances: 3, cores: -1, ram: 51_200 });
    expect(res.belowUsage).toEqual([]);
    expect((await quotas.limits(admin, other)).instances).toBe(10);
    expect(await quotas.resetLimits(admin, p)).toMatchObject({
      instances: 10,
      cores: 20,
    });
    expect((await quotas.limits(admin, p)).instances).toBe(10);
  });

  it('refuses unknown resources and limits out of range, naming them', async () => {
    const p = newId();
    const unknown = await rejection(quotas.setLimits(admin, p, { instances: 1, gpus: 2, tpus: 1 }));
    expect(unknown.code).toBe('BadRequest');
    expect(unknown.message).toContain('gpus, tpus');
    const bad = await rejection(quotas.setLimits(admin, p, { instances: -2 }));
    expect(bad).toMatchObject({
      code: 'BadRequest',
      details: { resource: 'instances', limit: -2 },
    });
    expect((await rejection(quotas.setLimits(admin, p, { cores: 1.5 }))).code).toBe('BadRequest');
    expect((await rejection(reserveIn(db, p, { gpus: 1 }))).message).toContain('gpus');
  });

  it('reserves up to the limit and names the resource that is over', async () => {
    const p = newId();
    await quotas.setLimits(admin, p, { instances: 2 });
    await reserveIn(db, p, { instances: 2, cores: 4 });
    const e = await rejection(reserveIn(db, p, { cores: 1, instances: 1 }));
    expect(e.code).toBe('OverQuota');
    expect(e.message).toBe('Quota exceeded for instances: Requested 1, but already used 2 of 2 instances');
    expect(e.details).toEqual({
      resource: 'instances',
      requested: 1,
      used: 2,
      limit: 2,
    });
    // the whole request failed: cores were not taken either
    expect((await quotas.usage(admin, p)).cores?.inUse).toBe(4);
  });

  it('never refuses an unlimited resource', async () => {
    const p = newId();
    await reserveIn(db, p, { floating_ips: 1_000_000 });
    expect((await quotas.usage(admin, p)).floating_ips).toEqual({
      limit: -1,
      inUse: 1_000_000,
    });
  });

  it('releases without ever going below zero', async () => {
    const p = newId();
    await reserveIn(db, p, { instances: 2 });
    await db.$transaction((tx) => quotas.release(tx, p, { instances: 1 }));
    expect((await quotas.usage(admin, p)).instances?.inUse).toBe(1);
    await db.$transaction((tx) => quotas.release(tx, p, { instances: 5, cores: 1 }));
    expect((await quotas.usage(admin, p)).instances?.inUse).toBe(0);
    expect((await quotas.usage(admin, p)).cores?.inUse).toBe(0);
  });

  it('lets a release through even when the project is over a lowered limit', async () => {
    const p = newId();
    await reserveIn(db, p, { instances: 5 });
    const res = await quotas.setLimits(admin, p, { instances: 2 });
    expect(res.belowUsage).toEqual([{ resource: 'instances', limit: 2, inUse: 5 }]);
    expect((await rejection(reserveIn(db, p, { instances: 1 }))).code).toBe('OverQuota');
    await reserveIn(db, p, { instances: -1 });
    expect((await quotas.usage(admin, p)).instances).toEqual({
      limit: 2,
      inUse: 4,
    });
  });

  it('refuses a limit below usage when asked to, as Nova without force', async () => {
    const p = newId();
    await reserveIn(db, p, { cores: 8 });
    const e = await rejection(quotas.setLimits(admin, p, { cores: 4 }, { allowBelowUsage: false }));
    expect(e.message).toBe('Quota limit 4 for cores must be greater than or equal to already used and reserved 8.');
    expect((await quotas.limits(admin, p)).cores).toBe(20);
  });

  it('leaves usage unchanged when the reserving transaction rolls back', async () => {
    const p = newId();
    await reserveIn(db, p, { instances: 1 });
    const boom = db.$transaction(async (tx) => {
      await quotas.reserve(tx, p, { instances: 2, cores: 2 });
      throw new Error('spawn failed');
    });
    await expect(boom).rejects.toThrow('spawn failed');
    expect(await quotas.usage(admin, p)).toMatchObject({
      instances: { inUse: 1 },
      cores: { inUse: 0 },
    });
  });

  it('lets exactly 10 of 50 concurrent boots take the last instances', async () => {
    // a project with no usage rows yet, so the row creation races too
    const p = newId();
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => reserveIn(pool, p, { instances: 1 })));
    const failed = results.filter((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    for (const f of failed)
      expect((f as PromiseRejectedResult).reason).toMatchObject({
        code: 'OverQuota',
      });
    expect((await quotas.usage(admin, p)).instances).toEqual({
      limit: 10,
      inUse: 10,
    });
  });

  it('does not deadlock when concurrent requests name their resources in different orders', async () => {
    const p = newId();
    await quotas.setLimits(admin, p, { cores: -1, ram: -1, instances: -1 });
    const orders: Record<string, number>[] = [
      { instances: 1, cores: 2, ram: 512 },
      { ram: 512, cores: 2, instances: 1 },
      { cores: 2, ram: 512, instances: 1 },
    ];
    await Promise.all(Array.from({ length: 30 }, (_, i) => reserveIn(pool, p, orders[i % 3] ?? {})));
    expect(await quotas.usage(admin, p)).toMatchObject({
      instances: { inUse: 30 },
      cores: { inUse: 60 },
      ram: { inUse: 15_360 },
    });
  });

  it("hides another project's quota from a non-admin", async () => {
    const [mine, theirs] = [newId(), newId()];
    const alice = authFor(mine, ['member', 'reader']);
    expect((await rejection(quotas.limits(alice, theirs))).code).toBe('NotFound');
    expect((await rejection(quotas.usage(alice, theirs))).code).toBe('NotFound');
  });

  it('forbids a non-admin from changing limits, even their own', async () => {
    const p = newId();
    const alice = authFor(p, ['member', 'reader']);
    expect((await rejection(quotas.setLimits(alice, p, { instances: 100 }))).code).toBe('Forbidden');
    expect((await rejection(quotas.resetLimits(alice, p))).code).toBe('Forbidden');
    expect((await rejection(quotas.setDefaults(alice, { instances: 100 }))).code).toBe('Forbidden');
    expect((await quotas.limits(admin, p)).instances).toBe(10);
  });
});
