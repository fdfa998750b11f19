/**
 * The promises of HypervisorDriver (driver.ts), as one suite every driver runs:
 *   describeHypervisorContract('libvirt-test', () => new LibvirtDriver({ uri: 'test', … }), { … })
 * Each test spawns its own instance (a fresh UUID), so tests need no order and parallel files never collide; every
 * instance is destroyed when the file ends, even when a test failed half-way.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { onFileEnd } from '../../tests/helpers/file-cleanup';
import { type BootSource, type DomainSpec, type HypervisorDriver, POWER_STATE } from './driver';

export type HypervisorContractOptions = {
  /** A boot source this driver can start (files that exist). */
  boot: BootSource;
  /** Where the driver keeps an instance's files: the suite checks nothing is left there. */
  instanceDir: (instanceId: string) => string;
  hypervisorType: string;
  memoryMb?: number;
  /** The domain's vcpus and memory as the hypervisor reports them (not in the interface; the driver may offer it). */
  inspect?: (driver: HypervisorDriver, instanceId: string) => Promise<{ vcpus: number; memoryMb: number } | null>;
  /** A line the console log of a freshly spawned instance shows at once (the test hypervisor writes one). */
  consoleAfterSpawn?: (instanceId: string) => RegExp;
  /** Per-test timeout; real guests need more than the default. */
  timeoutMs?: number;
};

export function describeHypervisorContract(
  name: string,
  makeDriver: () => HypervisorDriver | Promise<HypervisorDriver>,
  opts: HypervisorContractOptions,
) {
  describe(`HypervisorDriver contract: ${name}`, () => {
    let driver: HypervisorDriver;
    const timeout = opts.timeoutMs ?? 30_000;

    beforeAll(async () => {
      driver = await makeDriver();
      await driver.init();
      onFileEnd(() => driver.close());
    });

    // each test's instances go when it ends (real guests left running would slow the next tests down); the file-end
    // cleanup catches those a failed afterEach left
    const created: string[] = [];
    afterEach(async () => {
      await Promise.all(created.splice(0).map((id) => driver.destroy(id)));
    }, timeout);

    /** A spec for a new instance, destroyed when the test ends whatever the test did with it. */
    function newSpec(over: Partial<DomainSpec> = {}): DomainSpec {
      const spec: DomainSpec = {
        instanceId: crypto.randomUUID(),
        displayName: `contract <vm> & "co" ${name}`,
        vcpus: 1,
        memoryMb: opts.memoryMb ?? 128,
        rootGb: 1,
        ephemeralGb: 0,
        swapMb: 0,
        boot: opts.boot,
        ...over,
      };
      created.push(spec.instanceId);
      onFileEnd(() => driver.destroy(spec.instanceId));
      return spec;
    }

    async function spawned(over: Partial<DomainSpec> = {}): Promise<DomainSpec> {
      const spec = newSpec(over);
      await driver.spawn(spec);
      return spec;
    }

    const listed = async (id: string) => (await driver.listDomains()).filter((d) => d.instanceId === id);

    it('advertises the host: vcpus, memory, disk and its hypervisor type', async () => {
      const host = await driver.hostResources();
      expect(host.vcpus).toBeGreaterThan(0);
      expect(host.memoryMb).toBeGreaterThan(0);
      expect(host.diskGb).toBeGreaterThan(0);
      expect(host.hypervisorType).toBe(opts.hypervisorType);
      expect(host.hypervisorVersion).toBeGreaterThan(0);
    });

    it(
      'spawns a domain that runs and is listed; a second spawn of the same spec changes nothing',
      async () => {
        const spec = await spawned();
        expect(await driver.powerState(spec.instanceId)).toBe(POWER_STATE.RUNNING);
        expect(await listed(spec.instanceId)).toEqual([
          { instanceId: spec.instanceId, powerState: POWER_STATE.RUNNING },
        ]);
        await driver.spawn(spec);
        expect(await listed(spec.instanceId)).toHaveLength(1);
        expect(await driver.powerState(spec.instanceId)).toBe(POWER_STATE.RUNNING);
        if (opts.consoleAfterSpawn) {
          expect(await driver.consoleLog(spec.instanceId)).toMatch(opts.consoleAfterSpawn(spec.instanceId));
        }
      },
      timeout,
    );

    it(
      'spawns once when the same spawn arrives twice at the same time (a redelivered message)',
      async () => {
        const spec = newSpec();
        await Promise.all([driver.spawn(spec), driver.spawn(spec)]);
        expect(await listed(spec.instanceId)).toHaveLength(1);
        expect(await driver.powerState(spec.instanceId)).toBe(POWER_STATE.RUNNING);
      },
      timeout,
    );

    it(
      'powers off (hard, and clean with a timeout) to SHUTDOWN and on again to RUNNING, each twice harmlessly',
      async () => {
        const { instanceId: id } = await spawned();
        await driver.powerOff(id, { clean: false });
        expect(await driver.powerState(id)).toBe(POWER_STATE.SHUTDOWN);
        await driver.powerOff(id, { clean: false });
        expect(await listed(id)).toEqual([{ instanceId: id, powerState: POWER_STATE.SHUTDOWN }]);
        await driver.powerOn(id);
        expect(await driver.powerState(id)).toBe(POWER_STATE.RUNNING);
        await driver.powerOn(id);
        // a guest that ignores ACPI is powered off hard once the timeout passes
        await driver.powerOff(id, { clean: true, timeoutMs: 1_000 });
        expect(await driver.powerState(id)).toBe(POWER_STATE.SHUTDOWN);
      },
      timeout,
    );

    it(
      'reboots hard and soft, running afterwards; a soft reboot of a stopped domain boots it',
      async () => {
        const { instanceId: id } = await spawned();
        await driver.reboot(id, true);
        expect(await driver.powerState(id)).toBe(POWER_STATE.RUNNING);
        await driver.reboot(id, false);
        expect(await driver.powerState(id)).toBe(POWER_STATE.RUNNING);
        await driver.powerOff(id, { clean: false });
        await driver.reboot(id, false);
        expect(await driver.powerState(id)).toBe(POWER_STATE.RUNNING);
      },
      timeout,
    );

    it(
      'pauses to PAUSED and unpauses to RUNNING, each twice harmlessly',
      async () => {
        const { instanceId: id } = await spawned();
        await driver.pause(id);
        await driver.pause(id);
        expect(await driver.powerState(id)).toBe(POWER_STATE.PAUSED);
        await driver.unpause(id);
        await driver.unpause(id);
        expect(await driver.powerState(id)).toBe(POWER_STATE.RUNNING);
      },
      timeout,
    );

    it(
      'suspends to SUSPENDED (memory on disk, domain off) and resumes to RUNNING, each twice harmlessly',
      async () => {
        const { instanceId: id } = await spawned();
        await driver.suspend(id);
        await driver.suspend(id);
        expect(await driver.powerState(id)).toBe(POWER_STATE.SUSPENDED);
        expect(await listed(id)).toEqual([{ instanceId: id, powerState: POWER_STATE.SUSPENDED }]);
        await driver.resume(id);
        await driver.resume(id);
        expect(await driver.powerState(id)).toBe(POWER_STATE.RUNNING);
      },
      timeout,
    );

    it(
      'refuses to pause a stopped domain, naming the state',
      async () => {
        const { instanceId: id } = await spawned();
        await driver.powerOff(id, { clean: false });
        await expect(driver.pause(id)).rejects.toThrow(/shutdown/);
      },
      timeout,
    );

    it(
      'resizes in place to more vcpus and memory, running afterwards; repeating it changes nothing',
      async () => {
        const spec = await spawned();
        const bigger = { ...spec, vcpus: 2, memoryMb: spec.memoryMb * 2, rootGb: spec.rootGb + 1 };
        await driver.resize(bigger);
        expect(await driver.powerState(spec.instanceId)).toBe(POWER_STATE.RUNNING);
        await driver.resize(bigger);
        expect(await driver.powerState(spec.instanceId)).toBe(POWER_STATE.RUNNING);
        if (opts.inspect) {
          expect(await opts.inspect(driver, spec.instanceId)).toEqual({ vcpus: 2, memoryMb: bigger.memoryMb });
        }
      },
      timeout,
    );

    it(
      'rebuilds the root disk and runs again',
      async () => {
        const spec = await spawned();
        await driver.rebuild({ ...spec, displayName: 'rebuilt' });
        expect(await driver.powerState(spec.instanceId)).toBe(POWER_STATE.RUNNING);
        expect(fs.existsSync(opts.instanceDir(spec.instanceId))).toBe(true);
      },
      timeout,
    );

    it(
      'names the boot files its instances depend on (for the image cache), also while an instance is stopped',
      async () => {
        const boot = opts.boot;
        const files =
          boot.kind === 'disk' ? [boot.basePath] : [boot.kernelPath, ...(boot.ramdiskPath ? [boot.ramdiskPath] : [])];
        const { instanceId: id } = await spawned();
        expect(await driver.imageFilesInUse()).toEqual(expect.arrayContaining(files));
        await driver.powerOff(id, { clean: false });
        expect(await driver.imageFilesInUse()).toEqual(expect.arrayContaining(files));
      },
      timeout,
    );

    it(
      'destroys to NOSTATE: not listed, its directory gone; destroying again resolves',
      async () => {
        const { instanceId: id } = await spawned();
        expect(fs.existsSync(opts.instanceDir(id))).toBe(true);
        await driver.destroy(id);
        expect(await driver.powerState(id)).toBe(POWER_STATE.NOSTATE);
        expect(await listed(id)).toEqual([]);
        expect(fs.existsSync(opts.instanceDir(id))).toBe(false);
        expect(await driver.consoleLog(id)).toBe('');
        await driver.destroy(id);
      },
      timeout,
    );

    it('answers NOSTATE and an empty console for an instance it never had, and refuses to power it on', async () => {
      const id = crypto.randomUUID();
      expect(await driver.powerState(id)).toBe(POWER_STATE.NOSTATE);
      expect(await driver.consoleLog(id)).toBe('');
      await expect(driver.powerOn(id)).rejects.toThrow(new RegExp(`${id}.*no domain`));
      await driver.destroy(id);
    });

    it(
      'fails a spawn whose kernel is missing with a message naming it, leaving no domain and no directory',
      async () => {
        const kernelPath = `/nonexistent/${crypto.randomUUID()}/vmlinuz`;
        const spec = newSpec({ boot: { kind: 'kernel', kernelPath, cmdline: 'console=ttyS0' } });
        await expect(driver.spawn(spec)).rejects.toThrow(`kernel file ${kernelPath} does not exist`);
        expect(await driver.powerState(spec.instanceId)).toBe(POWER_STATE.NOSTATE);
        expect(await listed(spec.instanceId)).toEqual([]);
        expect(fs.existsSync(opts.instanceDir(spec.instanceId))).toBe(false);
      },
      timeout,
    );
  });
}
