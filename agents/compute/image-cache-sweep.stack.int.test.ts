import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../server/rpc/memory-bus';
import { computeClient } from '../../tests/helpers/compute-client';
import { onFileEnd } from '../../tests/helpers/file-cleanup';
import { identityClient, suffix, waitUntil } from '../../tests/helpers/identity-client';
import { uploadImage, waitForGone, waitForStatus } from '../../tests/helpers/server-fixtures';
import { startTestStack, type RunningTestStack } from '../../tests/helpers/stack';
import { type ComputeAgent, startComputeAgent } from './compute-agent';
import type { DomainSpec } from './driver';
import { LibvirtDriver } from './drivers/libvirt.driver';
import type { SweepResult } from './image-cache-sweep';

/** The test hypervisor's driver, with a step the test can run between the manager's fetch and the domain's define. */
class DriverWithSpawnHook extends LibvirtDriver {
  beforeSpawn?: (spec: DomainSpec) => Promise<void>;
  override async spawn(spec: DomainSpec): Promise<void> {
    await this.beforeSpawn?.(spec);
    return super.spawn(spec);
  }
}

// the whole path a user's boot takes: image API → agent download into _base → test-hypervisor domain; the sweeps are
// the agent's own, called directly (no minimum age here, so "old enough" needs no waiting) except in the last test
describe('image cache sweep on a compute host', () => {
  let stack: RunningTestStack;
  let nova: ReturnType<typeof computeClient>;
  let token: string;
  let flavorId: string;
  let agent: ComputeAgent;
  let driver: DriverWithSpawnHook;
  let bus: MemoryBus;
  let dir: string;
  const host = `cache-${suffix()}`;
  const baseDir = () => path.join(dir, host, '_base');
  const cached = (imageId: string) => fs.existsSync(path.join(baseDir(), imageId));

  beforeAll(async () => {
    stack = await startTestStack();
    nova = computeClient(stack);
    token = await identityClient(stack).admin();
    flavorId = (await nova.createFlavor(token, { ram: 64, vcpus: 1, disk: 1 })).id;
    bus = new MemoryBus({ prefix: 'cumulo' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-cache-host-'));
    const stateDir = path.join(dir, host);
    driver = new DriverWithSpawnHook({
      uri: 'test',
      hostName: host,
      vcpus: 8,
      memoryMb: 16_384,
      diskGb: 200,
      stateDir,
    });
    agent = await startComputeAgent({ host, bus, stateDir, driver, imageCache: { sweepMs: 0, minAgeMs: 0 } });
    onFileEnd(async () => {
      await bus.close();
      await agent.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });

  const newImage = async (bytes = 4096) => (await uploadImage(stack, token, { bytes })).id;
  const boot = async (imageId: string) => {
    const r = await nova.expectCall(202, 'POST', '/servers', {
      token,
      body: { server: { name: `s-${suffix()}`, imageRef: imageId, flavorRef: flavorId, networks: 'none' } },
    });
    return r.body.server.id as string;
  };

  it('keeps the base of a running and of a stopped server; once the server is deleted it goes, and the next boot downloads it again', async () => {
    const imageId = await newImage();
    const id = await boot(imageId);
    await waitForStatus(nova, token, id, 'ACTIVE');
    expect(cached(imageId)).toBe(true);
    expect((await agent.sweepImageCache()).inUse).toContain(imageId);
    expect(cached(imageId)).toBe(true);

    await nova.expectCall(202, 'POST', `/servers/${id}/action`, { token, body: { 'os-stop': null } });
    await waitForStatus(nova, token, id, 'SHUTOFF');
    const whileStopped = await agent.sweepImageCache();
    expect(whileStopped.evicted.map((e) => e.imageId)).not.toContain(imageId);
    expect(cached(imageId)).toBe(true);

    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token });
    await waitForGone(nova, token, id);
    const afterDelete = await agent.sweepImageCache();
    expect(afterDelete.evicted).toContainEqual(expect.objectContaining({ imageId, reason: 'age' }));
    expect(cached(imageId)).toBe(false);

    const again = await boot(imageId);
    await waitForStatus(nova, token, again, 'ACTIVE');
    expect(cached(imageId)).toBe(true);
  });

  it('keeps the bases of a suspended server and of one awaiting resize confirmation; a rebuild lets go of the old image', async () => {
    const act = (id: string, body: unknown) => nova.expectCall(202, 'POST', `/servers/${id}/action`, { token, body });
    const suspendedImage = await newImage();
    const resizedImage = await newImage();
    const suspended = await boot(suspendedImage);
    const resized = await boot(resizedImage);
    await waitForStatus(nova, token, suspended, 'ACTIVE');
    await waitForStatus(nova, token, resized, 'ACTIVE');
    await act(suspended, { suspend: null });
    await waitForStatus(nova, token, suspended, 'SUSPENDED');
    const bigger = await nova.createFlavor(token, { ram: 128, vcpus: 2, disk: 1 });
    await act(resized, { resize: { flavorRef: bigger.id } });
    await waitForStatus(nova, token, resized, 'VERIFY_RESIZE');
    const r = await agent.sweepImageCache();
    expect(r.inUse).toEqual(expect.arrayContaining([suspendedImage, resizedImage]));
    expect(cached(suspendedImage) && cached(resizedImage)).toBe(true);

    const newer = await newImage();
    await act(resized, { confirmResize: null });
    await waitForStatus(nova, token, resized, 'ACTIVE');
    await act(resized, { rebuild: { imageRef: newer } });
    await waitUntil('the rebuild to start', async () => cached(newer), 10_000);
    await waitForStatus(nova, token, resized, 'ACTIVE');
    const afterRebuild = await agent.sweepImageCache();
    expect(afterRebuild.evicted.map((e) => e.imageId)).toContain(resizedImage);
    expect(cached(newer) && cached(suspendedImage)).toBe(true);
  });

  it('a sweep between the download and the define of a build leaves the base to it, and the server goes ACTIVE', async () => {
    const imageId = await newImage();
    const during: SweepResult[] = [];
    driver.beforeSpawn = async () => {
      during.push(await agent.sweepImageCache());
    };
    try {
      const id = await boot(imageId);
      await waitForStatus(nova, token, id, 'ACTIVE');
    } finally {
      driver.beforeSpawn = undefined;
    }
    // no instance used it yet when that sweep looked: only the build's hold kept it
    expect(during).toHaveLength(1);
    expect(during[0]!.inUse).not.toContain(imageId);
    expect(during[0]!.evicted.map((e) => e.imageId)).not.toContain(imageId);
    expect(cached(imageId)).toBe(true);
  });

  it('sweeps back to back while a build downloads and boots do not break it', async () => {
    const imageId = await newImage(16 * 1024 * 1024);
    let building = true;
    let sweeps = 0;
    const hammer = (async () => {
      while (building) {
        await agent.sweepImageCache();
        sweeps++;
      }
    })();
    try {
      const id = await boot(imageId);
      await waitForStatus(nova, token, id, 'ACTIVE');
    } finally {
      building = false;
      await hammer;
    }
    expect(sweeps).toBeGreaterThan(0);
    expect(cached(imageId)).toBe(true);
    expect(fs.readdirSync(baseDir()).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  // last: this host joins the cloud too, and the scheduler could pick it for a boot of the tests above
  it('runs the sweep on its own every sweep interval', async () => {
    const other = `cache-timer-${suffix()}`;
    const stateDir = path.join(dir, other);
    const timed = await startComputeAgent({
      host: other,
      bus,
      stateDir,
      driver: new LibvirtDriver({ uri: 'test', hostName: other, vcpus: 1, memoryMb: 512, diskGb: 1, stateDir }),
      imageCache: { sweepMs: 100, minAgeMs: 3_600_000 },
    });
    onFileEnd(() => timed.close());
    const base = path.join(stateDir, '_base');
    fs.mkdirSync(base, { recursive: true });
    const old = path.join(base, crypto.randomUUID());
    const young = path.join(base, crypto.randomUUID());
    for (const f of [old, young]) fs.writeFileSync(f, 'an image');
    const twoHoursAgo = new Date(Date.now() - 7_200_000);
    fs.utimesSync(old, twoHoursAgo, twoHoursAgo);
    await waitUntil('the old unused base to be swept', async () => !fs.existsSync(old), 10_000);
    expect(fs.existsSync(young)).toBe(true);
  });
});
