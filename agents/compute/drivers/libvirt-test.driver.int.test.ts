import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onFileEnd } from '../../../tests/helpers/file-cleanup';
import { describeHypervisorContract } from '../driver.contract';
import { type DomainSpec, POWER_STATE } from '../driver';
import { LibvirtDriver, type LibvirtTestOptions } from './libvirt.driver';

// test:///<file> is libvirt's test hypervisor inside the client library: no libvirtd and no qemu needed
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-libvirt-test-'));
onFileEnd(() => fs.rmSync(root, { recursive: true, force: true }));
// the test hypervisor never reads boot files, but the driver checks they exist, as it does for real guests
const kernelPath = path.join(root, 'vmlinuz');
fs.writeFileSync(kernelPath, '');

const hostOpts = (hostName: string, over: Partial<LibvirtTestOptions> = {}): LibvirtTestOptions => ({
  uri: 'test',
  hostName,
  vcpus: 8,
  memoryMb: 16_384,
  diskGb: 200,
  stateDir: path.join(root, hostName),
  ...over,
});

function testHost(hostName: string, over: Partial<LibvirtTestOptions> = {}): LibvirtDriver {
  const driver = new LibvirtDriver(hostOpts(hostName, over));
  onFileEnd(() => driver.close());
  return driver;
}

describeHypervisorContract('libvirt-test', () => testHost('contract'), {
  boot: { kind: 'kernel', kernelPath, cmdline: 'console=ttyS0' },
  instanceDir: (id) => path.join(root, 'contract', 'instances', id),
  hypervisorType: 'test',
  inspect: (driver, id) => (driver as LibvirtDriver).domainResources(id),
  consoleAfterSpawn: (id) => new RegExp(`^Cumulo test hypervisor: ${id} booted on contract$`, 'm'),
});

const spec = (over: Partial<DomainSpec> = {}): DomainSpec => ({
  instanceId: crypto.randomUUID(),
  displayName: 'sim',
  vcpus: 1,
  memoryMb: 512,
  rootGb: 1,
  ephemeralGb: 0,
  swapMb: 0,
  boot: { kind: 'kernel', kernelPath, cmdline: 'console=ttyS0' },
  ...over,
});

describe('libvirt test hypervisor as simulated hosts', () => {
  it('gives each host its own capacity and its own domains', async () => {
    const a = testHost('sim-a', { vcpus: 4, memoryMb: 8192, diskGb: 50 });
    const b = testHost('sim-b', { vcpus: 32, memoryMb: 131_072, diskGb: 2000 });
    expect(await a.hostResources()).toEqual({
      vcpus: 4,
      memoryMb: 8192,
      diskGb: 50,
      hypervisorType: 'test',
      hypervisorVersion: 2,
    });
    expect(await b.hostResources()).toMatchObject({ vcpus: 32, memoryMb: 131_072, diskGb: 2000 });
    const onA = spec();
    await a.spawn(onA);
    expect((await a.listDomains()).map((d) => d.instanceId)).toEqual([onA.instanceId]);
    expect(await b.listDomains()).toEqual([]);
    expect(await b.powerState(onA.instanceId)).toBe(POWER_STATE.NOSTATE);
  });

  it('fails a spawn from a missing image with a message naming the file, and leaves nothing behind', async () => {
    const host = testHost('sim-c');
    const basePath = path.join(root, 'no-such-image.qcow2');
    const s = spec({ boot: { kind: 'disk', basePath, baseFormat: 'qcow2' } });
    await expect(host.spawn(s)).rejects.toThrow(
      `spawning instance ${s.instanceId} failed: base image file ${basePath} does not exist`,
    );
    expect(await host.listDomains()).toEqual([]);
    expect(fs.existsSync(path.join(root, 'sim-c', 'instances', s.instanceId))).toBe(false);
  });

  it('keeps its domains and their power states when the agent restarts (a new connection on the same host)', async () => {
    const first = testHost('sim-restart');
    const running = spec({ displayName: 'stays up' });
    const stopped = spec({ displayName: 'was stopped' });
    const paused = spec({ displayName: 'was paused' });
    const suspended = spec({ displayName: 'was suspended' });
    for (const s of [running, stopped, paused, suspended]) await first.spawn(s);
    await first.powerOff(stopped.instanceId, { clean: false });
    await first.pause(paused.instanceId);
    await first.suspend(suspended.instanceId);
    await first.resize({ ...running, vcpus: 2, memoryMb: 1024 });
    await first.close();

    const second = testHost('sim-restart');
    const byId = async () =>
      Object.fromEntries((await second.listDomains()).map((d) => [d.instanceId, d.powerState] as const));
    expect(await byId()).toEqual({
      [running.instanceId]: POWER_STATE.RUNNING,
      [stopped.instanceId]: POWER_STATE.SHUTDOWN,
      [paused.instanceId]: POWER_STATE.PAUSED,
      [suspended.instanceId]: POWER_STATE.SUSPENDED,
    });
    expect(await second.domainResources(running.instanceId)).toEqual({ vcpus: 2, memoryMb: 1024 });
    // and it goes on working: a resume from the memory the first process saved, power on, destroy
    await second.resume(suspended.instanceId);
    await second.powerOn(stopped.instanceId);
    expect(await second.powerState(suspended.instanceId)).toBe(POWER_STATE.RUNNING);
    expect(await second.powerState(stopped.instanceId)).toBe(POWER_STATE.RUNNING);
    await second.destroy(running.instanceId);
    await second.destroy(stopped.instanceId);
    expect(await second.powerState(running.instanceId)).toBe(POWER_STATE.NOSTATE);
    await second.close();

    // a third start sees what the second left
    const third = testHost('sim-restart');
    expect(await third.listDomains()).toEqual(
      expect.arrayContaining([
        { instanceId: paused.instanceId, powerState: POWER_STATE.PAUSED },
        { instanceId: suspended.instanceId, powerState: POWER_STATE.RUNNING },
      ]),
    );
    expect(await third.listDomains()).toHaveLength(2);
    expect(fs.readdirSync(path.join(root, 'sim-restart')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('runs 20 hosts with 10 instances each quickly, in one process', async () => {
    const hosts = Array.from({ length: 20 }, (_, i) => testHost(`bulk-${i}`));
    const started = Date.now();
    await Promise.all(hosts.map((h) => h.init()));
    await Promise.all(hosts.map(async (h) => Promise.all(Array.from({ length: 10 }, () => h.spawn(spec())))));
    const spawnMs = Date.now() - started;
    const counts = await Promise.all(hosts.map(async (h) => (await h.listDomains()).length));
    expect(counts).toEqual(hosts.map(() => 10));
    await Promise.all(hosts.map(async (h) => Promise.all((await h.listDomains()).map((d) => h.destroy(d.instanceId)))));
    console.log(`libvirt-test: 20 hosts × 10 instances spawned in ${spawnMs} ms`);
    expect(spawnMs).toBeLessThan(10_000);
  });
});
