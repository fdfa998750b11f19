import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startComputeAgent } from '../../agents/compute/compute-agent';
import { makeDriver } from '../../agents/compute/make-driver';
import { MemoryBus } from '../rpc/memory-bus';
import { computeClient } from '../../tests/helpers/compute-client';
import { onFileEnd } from '../../tests/helpers/file-cleanup';
import { identityClient, waitUntil, type Actor } from '../../tests/helpers/identity-client';
import { uploadImage } from '../../tests/helpers/server-fixtures';
import { startTestStack, type RunningTestStack } from '../../tests/helpers/stack';

const HOSTS = 10;
/** Each simulated host has 10 GiB of disk and a 1 GiB flavor: room for exactly 10 instances, so 100 in all. */
const HOST_DISK_GB = 10;

describe('concurrent boots', () => {
  let stack: RunningTestStack;
  let nova: ReturnType<typeof computeClient>;
  let adminToken: string;
  let alice: Actor;
  let bob: Actor;
  let imageId: string;
  let flavorId: string;

  beforeAll(async () => {
    stack = await startTestStack({ SCHEDULER_RAM_WEIGHT_MULTIPLIER: '1' });
    nova = computeClient(stack);
    const keystone = identityClient(stack);
    adminToken = await keystone.admin();
    ({ alice, bob } = await keystone.twoProjects());
    imageId = (await uploadImage(stack, adminToken, { visibility: 'public', bytes: 4096 })).id;
    flavorId = (await nova.createFlavor(adminToken, { ram: 64, vcpus: 1, disk: 1 })).id;
    // simulated hosts in this process, on the control plane's in-process bus (same broker and prefix)
    const bus = new MemoryBus({ prefix: 'cumulo' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-hosts-'));
    const agents = await Promise.all(
      Array.from({ length: HOSTS }, (_, n) => {
        const host = `sim-${n}`;
        const stateDir = path.join(dir, host);
        return startComputeAgent({ host, bus, stateDir, driver: makeDriver('test', { host, stateDir, diskGb: HOST_DISK_GB }) });
      }),
    );
    onFileEnd(async () => {
      await bus.close();
      for (const a of agents) await a.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });

  const boot = (token: string, name: string) =>
    nova.call('POST', '/servers', { token, body: { server: { name, imageRef: imageId, flavorRef: flavorId, networks: 'none' } } });
  const servers = async (token: string) => (await nova.call('GET', '/servers/detail', { token, version: '2.47' })).body.servers as {
    id: string;
    status: string;
    fault?: { message: string };
  }[];

  it('lets exactly 10 of 50 concurrent creates through a quota of 10 instances, and 403s the rest naming the quota', async () => {
    await nova.expectCall(200, 'PUT', `/os-quota-sets/${alice.projectId}`, { token: adminToken, body: { quota_set: { instances: 10 } } });
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => boot(alice.token, `q-${i}`)));
    expect(replies.filter((r) => r.status === 202)).toHaveLength(10);
    const refused = replies.filter((r) => r.status !== 202);
    expect(refused).toHaveLength(40);
    for (const r of refused) expect(r.body.forbidden.message).toMatch(/^Quota exceeded for instances: Requested 1, but already used 10 of 10 instances$/);
    expect(await servers(alice.token)).toHaveLength(10);
    await waitUntil('10 ACTIVE', async () => (await servers(alice.token)).every((s) => s.status === 'ACTIVE'), 60_000, 200);
  }, 120_000);

  it('puts exactly 100 of 200 concurrent boots on hosts with room for 100; the rest end in ERROR with "No valid host", no host over-committed', async () => {
    await nova.expectCall(200, 'PUT', `/os-quota-sets/${bob.projectId}`, {
      token: adminToken,
      body: { quota_set: { instances: -1, cores: -1, ram: -1 } },
    });
    // alice's 10 from the test above hold 10 of the 100 slots: give them back first
    for (const s of await servers(alice.token)) await nova.expectCall(204, 'DELETE', `/servers/${s.id}`, { token: alice.token });
    await waitUntil('alice has no servers', async () => (await servers(alice.token)).length === 0, 60_000, 200);

    const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => boot(bob.token, `c-${i}`)));
    expect(replies.filter((r) => r.status === 202)).toHaveLength(200);
    await waitUntil(
      'every boot to settle',
      async () => (await servers(bob.token)).every((s) => s.status === 'ACTIVE' || s.status === 'ERROR'),
      150_000,
      500,
    );
    const all = await servers(bob.token);
    expect(all.filter((s) => s.status === 'ACTIVE')).toHaveLength(100);
    const failed = all.filter((s) => s.status === 'ERROR');
    expect(failed).toHaveLength(100);
    for (const s of failed) expect(s.fault?.message).toMatch(/^No valid host was found\. There are not enough hosts available\./);

    const hv = (await nova.call('GET', '/os-hypervisors/detail', { token: adminToken, version: '2.53' })).body.hypervisors as {
      local_gb: number;
      local_gb_used: number;
      running_vms: number;
    }[];
    expect(hv).toHaveLength(HOSTS);
    for (const h of hv) {
      expect(h.local_gb_used).toBeLessThanOrEqual(h.local_gb);
      expect(h.running_vms).toBe(10);
    }
    // and the quota counts only what runs: the 100 in ERROR gave theirs back
    const limits = await nova.call('GET', '/limits', { token: bob.token });
    expect(limits.body.limits.absolute.totalInstancesUsed).toBe(100);
  }, 240_000);
});
