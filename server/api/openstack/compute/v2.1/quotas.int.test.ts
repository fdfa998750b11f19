import { beforeAll, describe, expect, it } from 'vitest';
import { computeClient } from '../../../../../tests/helpers/compute-client';
import { onFileEnd } from '../../../../../tests/helpers/file-cleanup';
import { identityClient, type Actor } from '../../../../../tests/helpers/identity-client';
import { startTestStack } from '../../../../../tests/helpers/stack';
import { createDb } from '../../../../db/client';
import { QuotaService } from '../../../../quota/quota.service';

const COMPUTE = ['cores', 'instances', 'key_pairs', 'metadata_items', 'ram', 'server_group_members', 'server_groups'];
const LEGACY_FILES = ['injected_file_content_bytes', 'injected_file_path_bytes', 'injected_files'];
const LEGACY_NETWORK = ['fixed_ips', 'floating_ips', 'security_group_rules', 'security_groups'];
const sorted = (o: object) => Object.keys(o).sort();

describe('Nova limits, os-quota-sets and os-quota-class-sets', async () => {
  const stack = await startTestStack();
  const ks = identityClient(stack);
  const nova = computeClient(stack, { version: '2.90' });
  // usage comes from what servers reserve: reserved here directly, as the servers service does in its transaction
  const db = createDb(stack.databaseUrl, { poolSize: 2 });
  onFileEnd(() => db.$disconnect());
  const quotas = new QuotaService(db);
  const reserve = (projectId: string, deltas: Record<string, number>) =>
    db.$transaction((tx) => quotas.reserve(tx, projectId, deltas));
  let admin: string;
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    admin = await ks.admin();
    ({ alice, bob } = await ks.twoProjects());
  });

  describe.concurrent('per project', () => {
    it("shows a project's quota set in the 2.57+ shape, and the legacy fields at older versions", async () => {
      const r = await nova.expectCall(200, 'GET', `/os-quota-sets/${alice.projectId}`, { token: alice.token });
      expect(r.body.quota_set).toEqual({
        id: alice.projectId,
        cores: 20,
        instances: 10,
        key_pairs: 100,
        metadata_items: 128,
        ram: 51_200,
        server_group_members: 10,
        server_groups: 10,
      });
      const v256 = await nova.expectCall(200, 'GET', `/os-quota-sets/${alice.projectId}`, {
        token: alice.token,
        version: '2.56',
      });
      expect(sorted(v256.body.quota_set)).toEqual([...COMPUTE, ...LEGACY_FILES, 'id'].sort());
      const v21 = await nova.expectCall(200, 'GET', `/os-quota-sets/${alice.projectId}`, {
        token: alice.token,
        version: '2.1',
      });
      expect(v21.body.quota_set).toMatchObject({ floating_ips: -1, security_groups: -1, injected_files: 5 });
      expect(sorted(v21.body.quota_set)).toEqual([...COMPUTE, ...LEGACY_FILES, ...LEGACY_NETWORK, 'id'].sort());
      const defaults = await nova.expectCall(200, 'GET', `/os-quota-sets/${alice.projectId}/defaults`, {
        token: alice.token,
      });
      expect(defaults.body.quota_set).toMatchObject({ id: alice.projectId, instances: 10 });
    });

    it("shows usage in the detail: reserved servers, the caller's key pairs", async () => {
      const actor = await ks.userOnProject('member');
      await reserve(actor.projectId, { instances: 1, cores: 2, ram: 512 });
      await nova.createKeypair(actor.token);
      const r = await nova.expectCall(200, 'GET', `/os-quota-sets/${actor.projectId}/detail`, { token: actor.token });
      expect(r.body.quota_set).toMatchObject({
        id: actor.projectId,
        instances: { in_use: 1, limit: 10, reserved: 0 },
        cores: { in_use: 2, limit: 20, reserved: 0 },
        ram: { in_use: 512, limit: 51_200, reserved: 0 },
        key_pairs: { in_use: 1, limit: 100, reserved: 0 },
      });
      const limits = await nova.expectCall(200, 'GET', '/limits', { token: actor.token });
      expect(limits.body).toEqual({
        limits: {
          rate: [],
          absolute: {
            maxTotalInstances: 10,
            maxTotalCores: 20,
            maxTotalRAMSize: 51_200,
            maxTotalKeypairs: 100,
            maxServerMeta: 128,
            maxServerGroups: 10,
            maxServerGroupMembers: 10,
            totalInstancesUsed: 1,
            totalCoresUsed: 2,
            totalRAMUsed: 512,
            totalServerGroupsUsed: 0,
          },
        },
      });
      const old = await nova.expectCall(200, 'GET', '/limits', { token: actor.token, version: '2.1' });
      expect(old.body.limits.absolute).toMatchObject({
        maxPersonality: 5,
        maxPersonalitySize: 10_240,
        maxImageMeta: 128,
        maxTotalFloatingIps: -1,
        maxSecurityGroups: -1,
        maxSecurityGroupRules: -1,
        totalFloatingIpsUsed: 0,
        totalSecurityGroupsUsed: 0,
      });
    });

    it("refuses another project's quota set and limits to a non-admin with 403, and quota changes to non-admins", async () => {
      for (const path of [
        `/os-quota-sets/${bob.projectId}`,
        `/os-quota-sets/${bob.projectId}/detail`,
        `/limits?tenant_id=${bob.projectId}`,
      ]) {
        const r = await nova.call('GET', path, { token: alice.token });
        expect([path, r.status, r.body?.forbidden?.code]).toEqual([path, 403, 403]);
      }
      const writes: [string, string, unknown?][] = [
        ['PUT', `/os-quota-sets/${alice.projectId}`, { quota_set: { instances: 50 } }],
        ['DELETE', `/os-quota-sets/${alice.projectId}`],
        ['GET', '/os-quota-class-sets/default'],
        ['PUT', '/os-quota-class-sets/default', { quota_class_set: { instances: 50 } }],
      ];
      for (const [method, path, body] of writes) {
        expect([method, path, (await nova.call(method, path, { token: alice.token, body })).status]).toEqual([
          method,
          path,
          403,
        ]);
      }
      // admins see any project's
      const other = await nova.expectCall(200, 'GET', `/limits?tenant_id=${bob.projectId}`, { token: admin });
      expect(other.body.limits.absolute.maxTotalInstances).toBe(10);
      expect((await nova.call('GET', `/os-quota-sets/${bob.projectId}`, { token: admin })).status).toBe(200);
    });

    it('sets limits (numbers or digit strings), refuses one below usage without force, and resets to the defaults', async () => {
      const actor = await ks.userOnProject('member');
      await reserve(actor.projectId, { cores: 6 });
      const path = `/os-quota-sets/${actor.projectId}`;
      const set = await nova.expectCall(200, 'PUT', path, {
        token: admin,
        body: { quota_set: { instances: 5, cores: '7' } },
      });
      expect(set.body.quota_set).toMatchObject({ instances: 5, cores: 7 });
      expect(set.body.quota_set).not.toHaveProperty('id');
      const below = await nova.call('PUT', path, { token: admin, body: { quota_set: { cores: 2 } } });
      expect(below.status).toBe(400);
      expect(below.body.badRequest.message).toBe(
        'Quota limit 2 for cores must be greater than or equal to already used and reserved 6.',
      );
      const forced = await nova.expectCall(200, 'PUT', path, {
        token: admin,
        body: { quota_set: { cores: 2, force: 'True' } },
      });
      expect(forced.body.quota_set.cores).toBe(2);
      const reset = await nova.call('DELETE', path, { token: admin });
      expect([reset.status, reset.text]).toEqual([202, '']);
      expect((await nova.expectCall(200, 'GET', path, { token: admin })).body.quota_set).toMatchObject({
        instances: 10,
        cores: 20,
      });
    });

    it('refuses bad quota bodies naming the field, and legacy keys from the version that dropped them', async () => {
      const path = `/os-quota-sets/${alice.projectId}`;
      const cases: [unknown, string, string?][] = [
        [{ quota_set: { instances: -2 } }, "'quota_set.instances'"],
        [{ quota_set: { cores: 'lots' } }, "'quota_set.cores'"],
        [{ quota_set: { gpus: 1 } }, "'gpus'"],
        [{ quota_set: { floating_ips: 10 } }, "'floating_ips'"],
        [{ quota_set: { injected_files: 10 } }, "'injected_files'"],
        [{ quota_set: { force: 'maybe' } }, "'quota_set.force'"],
        [{ instances: 1 }, "'quota_set'"],
      ];
      for (const [body, field] of cases) {
        const r = await nova.call('PUT', path, { token: admin, body });
        expect([JSON.stringify(body), r.status, r.body?.badRequest?.message]).toEqual([
          JSON.stringify(body),
          400,
          expect.stringContaining(field),
        ]);
      }
      // an old client may still send them: taken, and they change nothing
      const old = await nova.expectCall(200, 'PUT', path, {
        token: admin,
        version: '2.1',
        body: { quota_set: { floating_ips: 10, injected_files: 3 } },
      });
      expect(old.body.quota_set).toMatchObject({ floating_ips: -1, injected_files: 5 });
      // no per-user limits: a user's quota is the project's, and changing one is refused
      const forUser = await nova.expectCall(200, 'GET', `${path}?user_id=${alice.id}`, { token: admin });
      expect(forUser.body.quota_set.id).toBe(alice.projectId);
      const userPut = await nova.call('PUT', `${path}?user_id=${alice.id}`, {
        token: admin,
        body: { quota_set: { ram: 1 } },
      });
      expect(userPut.status).toBe(400);
      expect((await nova.call('GET', '/limits?bogus=1', { token: alice.token })).status).toBe(400);
    });
  });

  // changes what every project sees, so it runs after the per-project tests, not beside them
  it('shows and changes the defaults through the default quota class', async () => {
    const shown = await nova.expectCall(200, 'GET', '/os-quota-class-sets/default', { token: admin });
    expect(sorted(shown.body.quota_class_set)).toEqual([...COMPUTE, 'id'].sort());
    const v249 = await nova.expectCall(200, 'GET', '/os-quota-class-sets/default', { token: admin, version: '2.49' });
    expect(sorted(v249.body.quota_class_set)).toEqual(
      [...COMPUTE.filter((r) => !r.startsWith('server_group')), ...LEGACY_FILES, ...LEGACY_NETWORK, 'id'].sort(),
    );
    const before = shown.body.quota_class_set.metadata_items as number;
    try {
      const set = await nova.expectCall(200, 'PUT', '/os-quota-class-sets/default', {
        token: admin,
        body: { quota_class_set: { metadata_items: 64 } },
      });
      expect(set.body.quota_class_set).toMatchObject({ metadata_items: 64 });
      expect(set.body.quota_class_set).not.toHaveProperty('id');
      const project = await nova.expectCall(200, 'GET', `/os-quota-sets/${bob.projectId}`, { token: bob.token });
      expect(project.body.quota_set.metadata_items).toBe(64);
    } finally {
      await nova.expectCall(200, 'PUT', '/os-quota-class-sets/default', {
        token: admin,
        body: { quota_class_set: { metadata_items: before } },
      });
    }
    const other = await nova.call('PUT', '/os-quota-class-sets/gold', {
      token: admin,
      body: { quota_class_set: { cores: 1 } },
    });
    expect(other.status).toBe(400);
    const bad = await nova.call('PUT', '/os-quota-class-sets/default', {
      token: admin,
      body: { quota_class_set: { cores: 'x' } },
    });
    expect(bad.body.badRequest.message).toContain("'quota_class_set.cores'");
  });
});
