import { beforeAll, describe, expect, it } from 'vitest';
import { computeClient } from '../../../../../tests/helpers/compute-client';
import { onFileEnd } from '../../../../../tests/helpers/file-cleanup';
import { identityClient, type Actor } from '../../../../../tests/helpers/identity-client';
import { startTestStack } from '../../../../../tests/helpers/stack';
import { MEDIUM, seedInstance } from '../../../../../tests/helpers/usage-fixtures';
import { createDb } from '../../../../db/client';

describe('Nova os-simple-tenant-usage', async () => {
  const stack = await startTestStack();
  const ks = identityClient(stack);
  const nova = computeClient(stack, { version: '2.1' });
  const db = createDb(stack.databaseUrl, { poolSize: 2 });
  onFileEnd(() => db.$disconnect());
  let admin: string;
  let alice: Actor;
  let bob: Actor;
  let running: { id: string; name: string };
  let deletedMid: { id: string; name: string };
  const q = 'start=2026-11-10T00:00:00&end=2026-11-11T00:00:00';

  beforeAll(async () => {
    admin = await ks.admin();
    ({ alice, bob } = await ks.twoProjects());
    // alice: one instance all day long, one deleted at 06:00 after 4 h, one that never launched
    running = await seedInstance(db, alice, { launchedAt: new Date('2026-11-01T00:00:00Z') });
    deletedMid = await seedInstance(db, alice, {
      flavor: MEDIUM,
      launchedAt: new Date('2026-11-10T02:00:00Z'),
      terminatedAt: new Date('2026-11-10T06:00:00Z'),
    });
    await seedInstance(db, alice, { launchedAt: null, vmState: 'error' });
    // bob: 12 h on the same day
    await seedInstance(db, bob, { launchedAt: new Date('2026-11-10T12:00:00Z') });
  });

  it("shows a member their own project's usage with every server's share", async () => {
    const r = await nova.expectCall(200, 'GET', `/os-simple-tenant-usage/${alice.projectId}?${q}`, {
      token: alice.token,
    });
    const u = r.body.tenant_usage;
    expect(u).toMatchObject({
      tenant_id: alice.projectId,
      start: '2026-11-10T00:00:00.000000',
      stop: '2026-11-11T00:00:00.000000',
      total_hours: 28,
      total_vcpus_usage: 24 * 1 + 4 * 2,
      total_memory_mb_usage: 24 * 2048 + 4 * 4096,
      total_local_gb_usage: 24 * 20 + 4 * 50,
    });
    expect(u.server_usages).toHaveLength(2);
    const byName = Object.fromEntries(u.server_usages.map((s: { name: string }) => [s.name, s]));
    expect(byName[running.name]).toMatchObject({
      instance_id: running.id,
      state: 'active',
      flavor: 'm1.small',
      hours: 24,
      vcpus: 1,
      memory_mb: 2048,
      local_gb: 20,
      started_at: '2026-11-01T00:00:00.000000',
      ended_at: null,
    });
    expect(byName[deletedMid.name]).toMatchObject({
      state: 'terminated',
      hours: 4,
      local_gb: 50,
      ended_at: '2026-11-10T06:00:00.000000',
      uptime: 4 * 3600,
    });
  });

  it('answers an empty usage for a period in which nothing ran', async () => {
    const r = await nova.expectCall(
      200,
      'GET',
      `/os-simple-tenant-usage/${alice.projectId}?start=2020-01-01T00:00:00&end=2020-01-02T00:00:00`,
      {
        token: alice.token,
      },
    );
    expect(r.body.tenant_usage).toEqual({});
  });

  it("refuses a member another project's usage and the report across projects", async () => {
    const other = await nova.call('GET', `/os-simple-tenant-usage/${alice.projectId}?${q}`, { token: bob.token });
    expect(other.status).toBe(403);
    expect(other.text).not.toContain(running.name);
    const all = await nova.call('GET', `/os-simple-tenant-usage?${q}`, { token: bob.token });
    expect(all.status).toBe(403);
    expect(all.body.forbidden.message).toContain('os-simple-tenant-usage:list');
    expect((await nova.call('GET', `/os-simple-tenant-usage/${alice.projectId}?${q}`)).status).toBe(401);
  });

  it('lists every project for an admin, with server usages only when detailed=1', async () => {
    const brief = await nova.expectCall(200, 'GET', `/os-simple-tenant-usage?${q}`, { token: admin });
    const mine = brief.body.tenant_usages.filter((t: { tenant_id: string }) =>
      [alice.projectId, bob.projectId].includes(t.tenant_id),
    );
    expect(mine).toHaveLength(2);
    expect(mine.find((t: { tenant_id: string }) => t.tenant_id === bob.projectId).total_hours).toBe(12);
    expect(mine[0].server_usages).toBeUndefined();
    const detailed = await nova.expectCall(200, 'GET', `/os-simple-tenant-usage?${q}&detailed=1`, { token: admin });
    const a = detailed.body.tenant_usages.find((t: { tenant_id: string }) => t.tenant_id === alice.projectId);
    expect(a.server_usages).toHaveLength(2);
  });

  it('pages over instances from 2.40, linking to the next page', async () => {
    const v = { token: alice.token, version: '2.40' };
    const first = await nova.expectCall(200, 'GET', `/os-simple-tenant-usage/${alice.projectId}?${q}&limit=1`, v);
    expect(first.body.tenant_usage.server_usages.map((s: { name: string }) => s.name)).toEqual([running.name]);
    const next = new URL(first.body.tenant_usage_links[0].href);
    expect(next.searchParams.get('marker')).toBe(running.id);
    const second = await nova.expectCall(200, 'GET', next.toString(), v);
    expect(second.body.tenant_usage.server_usages.map((s: { name: string }) => s.name)).toEqual([deletedMid.name]);
    expect(second.body.tenant_usage.total_hours).toBe(4);
    const bad = await nova.call('GET', `/os-simple-tenant-usage/${alice.projectId}?${q}&marker=nope`, v);
    expect(bad.status).toBe(400);
    expect(bad.body.badRequest.message).toContain('marker [nope] not found');
  });

  it('refuses a malformed time, a period that ends before it starts, and unknown parameters from 2.75', async () => {
    const path = `/os-simple-tenant-usage/${alice.projectId}`;
    const bad = await nova.call('GET', `${path}?start=yesterday`, { token: alice.token });
    expect(bad.status).toBe(400);
    expect(bad.body.badRequest.message).toBe('Datetime is in invalid format: yesterday');
    const reversed = await nova.call('GET', `${path}?start=2026-11-11T00:00:00&end=2026-11-10T00:00:00`, {
      token: alice.token,
    });
    expect(reversed.status).toBe(400);
    expect(reversed.body.badRequest.message).toContain('start time cannot occur after the end time');
    expect((await nova.call('GET', `${path}?${q}&colour=red`, { token: alice.token })).status).toBe(200);
    const strict = await nova.call('GET', `${path}?${q}&colour=red`, { token: alice.token, version: '2.75' });
    expect(strict.status).toBe(400);
    expect(strict.body.badRequest.message).toContain("'colour' was unexpected");
  });
});
