import { beforeAll, describe, expect, it } from 'vitest';
import { authContext } from '../../../tests/helpers/auth-context';
import { testDatabase } from '../../../tests/helpers/db';
import type { Db } from '../../db/client';
import { AppError } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { QuotaService } from '../../quota/quota.service';
import { ComputeQuotasService } from './compute-quotas.service';

const rejection = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

describe('compute quotas', () => {
  let db: Db;
  let quotas: QuotaService;
  let svc: ComputeQuotasService;
  const admin = authContext({ roles: ['admin', 'member', 'reader'], projectId: 'admin-project', userId: 'admin-user' });

  beforeAll(async () => {
    ({ db } = await testDatabase());
    quotas = new QuotaService(db);
    svc = new ComputeQuotasService({ db, quotas });
  });

  const project = () => {
    const projectId = newId();
    const userId = newId();
    return { projectId, userId, ctx: authContext({ roles: ['member', 'reader'], projectId, userId }) };
  };
  const reserve = (projectId: string, deltas: Record<string, number>) =>
    db.$transaction((tx) => quotas.reserve(tx, projectId, deltas));

  it("shows Nova's defaults for a new project, compute resources only", async () => {
    const { projectId, ctx } = project();
    expect(await svc.quotaSet(ctx, projectId)).toEqual({
      cores: 20,
      instances: 10,
      key_pairs: 100,
      metadata_items: 128,
      ram: 51_200,
      server_group_members: 10,
      server_groups: 10,
    });
    expect(await svc.defaults(ctx)).toMatchObject({ instances: 10 });
  });

  it("counts reserved servers, the caller's key pairs and the project's server groups as in use", async () => {
    const { projectId, userId, ctx } = project();
    await reserve(projectId, { instances: 2, cores: 3, ram: 1024 });
    await db.keyPair.create({
      data: { id: newId(), userId, name: 'k1', publicKey: 'ssh-ed25519 AAAA', fingerprint: 'f' },
    });
    await db.serverGroup.create({ data: { id: newId(), name: 'g', projectId, userId, policy: 'affinity' } });
    const detail = await svc.quotaDetail(ctx, projectId);
    expect(detail).toMatchObject({
      instances: { limit: 10, inUse: 2 },
      cores: { limit: 20, inUse: 3 },
      ram: { limit: 51_200, inUse: 1024 },
      key_pairs: { limit: 100, inUse: 1 },
      server_groups: { limit: 10, inUse: 1 },
      metadata_items: { limit: 128, inUse: 0 },
    });
    expect(await svc.limits(ctx)).toEqual(detail);
  });

  it("refuses another project's quotas and limits to a non-admin with 403, as Nova does", async () => {
    const a = project();
    const b = project();
    expect((await rejection(svc.quotaSet(a.ctx, b.projectId))).code).toBe('Forbidden');
    expect((await rejection(svc.quotaDetail(a.ctx, b.projectId))).code).toBe('Forbidden');
    expect((await rejection(svc.limits(a.ctx, b.projectId))).code).toBe('Forbidden');
    expect((await rejection(svc.update(a.ctx, a.projectId, { instances: 1 }))).code).toBe('Forbidden');
    expect((await rejection(svc.reset(a.ctx, a.projectId))).code).toBe('Forbidden');
    expect((await rejection(svc.classDefaults(a.ctx))).code).toBe('Forbidden');
    // admins may look at any project's limits
    expect((await svc.limits(admin, b.projectId)).instances.limit).toBe(10);
  });

  it('refuses a limit below usage unless forced, and reset brings the defaults back', async () => {
    const { projectId, ctx } = project();
    await reserve(projectId, { cores: 8 });
    const e = await rejection(svc.update(admin, projectId, { instances: 5, cores: 4 }));
    expect(e.message).toBe('Quota limit 4 for cores must be greater than or equal to already used and reserved 8.');
    expect((await svc.quotaSet(ctx, projectId)).instances).toBe(10);
    expect(await svc.update(admin, projectId, { instances: 5, cores: 4 }, { force: true })).toMatchObject({
      instances: 5,
      cores: 4,
    });
    expect(await svc.update(admin, projectId, { cores: -1 })).toMatchObject({ cores: -1 });
    await svc.reset(admin, projectId);
    expect(await svc.quotaSet(ctx, projectId)).toMatchObject({ instances: 10, cores: 20 });
  });

  it('changes the defaults through the default quota class', async () => {
    const { projectId, ctx } = project();
    const before = await svc.classDefaults(admin);
    try {
      expect(await svc.setClassDefaults(admin, { server_groups: 3 })).toMatchObject({ server_groups: 3 });
      expect((await svc.quotaSet(ctx, projectId)).server_groups).toBe(3);
    } finally {
      await svc.setClassDefaults(admin, { server_groups: before.server_groups });
    }
  });
});
