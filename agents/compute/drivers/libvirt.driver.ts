/**
 * The compute agent's hypervisor driver on libvirt, for both hypervisors it runs on:
 *   new LibvirtDriver({ instancesDir, accel: 'tcg' })                              qemu:///system, real guests
 *   new LibvirtDriver({ uri: 'test', hostName, vcpus, memoryMb, diskGb, stateDir }) libvirt's test hypervisor
 * The lifecycle below is shared; host-flavour.ts holds what differs (URI, domain type, disks).
 *
 * Suspend is libvirt save/restore into the instance's directory (`memory.save`) rather than managed save, which the
 * binding lacks: the outcome is the same (memory on disk, domain shut off, the next start restores it), and the file
 * goes with the directory on destroy. A shut-off domain with that file reports SUSPENDED.
 *
 * Every operation that changes a domain runs through `change`, which afterwards has a simulated host write its domains
 * down (test-host.ts), so that they outlive the agent process as a real host's do.
 */
import fs from 'node:fs/promises';
import {
  type DomainInfo,
  type DomainSpec,
  type HostResources,
  type HypervisorDriver,
  POWER_STATE,
  type PowerState,
} from '../driver';
import { filesInUse } from './libvirt/files-in-use';
import { recordBootFiles } from './libvirt/boot-files';
import { buildDomainXml, type DomainFiles } from './libvirt/domain-xml';
import type { HostFlavour } from './libvirt/host-flavour';
import { checkBootFiles, exists, instancePaths, isInstanceId, readTail, removeDir } from './libvirt/instance-files';
import { createDisks, domainFiles, growOrCreateDisks } from './libvirt/instance-disks';
import { discard, type Found, shutdownCleanly, startAndWait, stateOf, stop } from './libvirt/domain-steps';
import { KeyedLock } from './libvirt/keyed-lock';
import { type Domain, DomainState, LibvirtConnection } from './libvirt/libvirt-connection';
import { powerStateLabel, powerStateOf } from './libvirt/power-state';
import { type LibvirtQemuOptions, QemuHost } from './libvirt/qemu-host';
import { type LibvirtTestOptions, TestHost } from './libvirt/test-host';

export type { LibvirtQemuOptions, LibvirtTestOptions };

export type LibvirtDriverOptions = (LibvirtQemuOptions | LibvirtTestOptions) & {
  /** How long a clean power-off or soft reboot waits for the guest to act on ACPI (default 60 s, as Nova). */
  cleanShutdownTimeoutMs?: number;
  /** How long starting a domain may take to reach running (default 30 s). */
  startTimeoutMs?: number;
};

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class LibvirtDriver implements HypervisorDriver {
  readonly name: string;
  private readonly host: HostFlavour;
  /** The host again when it is a simulated one, which writes its domains down after each change. */
  private readonly sim: TestHost | null;
  private readonly cleanShutdownTimeoutMs: number;
  private readonly startTimeoutMs: number;
  private readonly locks = new KeyedLock();
  private conn?: Promise<LibvirtConnection>;

  constructor(opts: LibvirtDriverOptions) {
    this.sim = isTestHost(opts) ? new TestHost(opts) : null;
    this.host = this.sim ?? new QemuHost(opts as LibvirtQemuOptions);
    this.name = this.host.name;
    this.cleanShutdownTimeoutMs = opts.cleanShutdownTimeoutMs ?? 60_000;
    this.startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  }

  async init(): Promise<void> {
    await this.connection();
  }

  async hostResources(): Promise<HostResources> {
    const conn = await this.connection();
    const [node, diskGb, hypervisorVersion] = await Promise.all([
      conn.nodeInfo(),
      this.host.diskGb(),
      this.host.hypervisorVersion(),
    ]);
    return {
      vcpus: node.cpus,
      memoryMb: node.memoryMb,
      diskGb,
      hypervisorType: this.host.hypervisorType,
      hypervisorVersion,
    };
  }

  spawn(spec: DomainSpec): Promise<void> {
    return this.change(spec.instanceId, async () => {
      const conn = await this.connection();
      const paths = instancePaths(this.host.instancesDir, spec.instanceId);
      const existing = await conn.lookup(spec.instanceId);
      // a redelivered spawn: the domain is there, see that it runs
      if (existing) return this.ensureRunning({ conn, dom: existing, paths }, spec);
      let dom: Domain | null = null;
      try {
        await checkBootFiles(spec.boot);
        await removeDir(paths.dir); // what a spawn cut short by an agent crash left
        await fs.mkdir(paths.dir, { recursive: true });
        await recordBootFiles(paths.bootFiles, spec.boot);
        const files = domainFiles(spec, paths);
        await createDisks(this.host, spec, files);
        dom = await this.define(conn, spec, files);
        await startAndWait({ conn, dom, paths }, this.host, spec, this.startTimeoutMs);
      } catch (e) {
        this.sim?.forget(spec.instanceId); // whatever the cleanup leaves is not worth keeping
        const leftover = await discard(conn, dom, paths).then(
          () => '',
          (c: unknown) => `; cleaning up failed too: ${messageOf(c)}`,
        );
        throw new Error(`spawning instance ${spec.instanceId} failed: ${messageOf(e)}${leftover}`, { cause: e });
      }
    });
  }

  destroy(instanceId: string): Promise<void> {
    return this.change(instanceId, async () => {
      const conn = await this.connection();
      const paths = instancePaths(this.host.instancesDir, instanceId);
      await discard(conn, await conn.lookup(instanceId), paths);
      this.sim?.forget(instanceId);
    });
  }

  resize(spec: DomainSpec): Promise<void> {
    return this.change(spec.instanceId, async () => {
      const found = await this.find(spec.instanceId, 'resize');
      const status = await found.conn.status(found.dom);
      const files = domainFiles(spec, found.paths);
      const unchanged =
        status?.state === DomainState.RUNNING &&
        status.vcpus === spec.vcpus &&
        status.memoryMb === spec.memoryMb &&
        !(files.rootDisk && (await this.host.isSmallerThan(files.rootDisk, spec.rootGb)));
      if (unchanged) return;
      await stop(found, true, this.cleanShutdownTimeoutMs);
      // the saved memory of a suspended guest no longer fits the new flavor
      await fs.rm(found.paths.memorySave, { force: true });
      await recordBootFiles(found.paths.bootFiles, spec.boot);
      await growOrCreateDisks(this.host, spec, files);
      found.dom = await this.define(found.conn, spec, files);
      await startAndWait(found, this.host, spec, this.startTimeoutMs);
    });
  }

  rebuild(spec: DomainSpec): Promise<void> {
    return this.change(spec.instanceId, async () => {
      const found = await this.find(spec.instanceId, 'rebuild');
      await checkBootFiles(spec.boot);
      await stop(found, true, this.cleanShutdownTimeoutMs);
      await fs.rm(found.paths.memorySave, { force: true });
      await fs.rm(found.paths.rootDisk, { force: true });
      // after the old root disk is gone: the image it was made from is no longer this instance's
      await recordBootFiles(found.paths.bootFiles, spec.boot);
      const files = domainFiles(spec, found.paths);
      if (files.rootDisk) await this.host.createRootDisk(spec, files.rootDisk);
      found.dom = await this.define(found.conn, spec, files);
      await startAndWait(found, this.host, spec, this.startTimeoutMs);
    });
  }

  powerOn(instanceId: string): Promise<void> {
    return this.change(instanceId, async () => {
      const found = await this.find(instanceId, 'power on');
      await this.ensureRunning(found, { instanceId });
    });
  }

  powerOff(instanceId: string, opts: { clean?: boolean; timeoutMs?: number } = {}): Promise<void> {
    return this.change(instanceId, async () => {
      const found = await this.find(instanceId, 'power off');
      await stop(found, opts.clean ?? true, opts.timeoutMs ?? this.cleanShutdownTimeoutMs);
    });
  }

  reboot(instanceId: string, hard: boolean): Promise<void> {
    return this.change(instanceId, async () => {
      const found = await this.find(instanceId, 'reboot');
      const state = await stateOf(found);
      // soft, as Nova does it: ACPI shutdown and a fresh start, so the new boot is a real one
      if (!hard && state === POWER_STATE.RUNNING && (await shutdownCleanly(found, this.cleanShutdownTimeoutMs))) {
        return startAndWait(found, this.host, { instanceId }, this.startTimeoutMs);
      }
      await found.conn.destroy(found.dom);
      await fs.rm(found.paths.memorySave, { force: true }); // a hard reboot boots afresh, even a suspended guest
      await startAndWait(found, this.host, { instanceId }, this.startTimeoutMs);
    });
  }

  pause(instanceId: string): Promise<void> {
    return this.transition(instanceId, 'pause', POWER_STATE.PAUSED, POWER_STATE.RUNNING, (f) => f.conn.pause(f.dom));
  }

  unpause(instanceId: string): Promise<void> {
    return this.transition(instanceId, 'unpause', POWER_STATE.RUNNING, POWER_STATE.PAUSED, (f) =>
      f.conn.unpause(f.dom),
    );
  }

  suspend(instanceId: string): Promise<void> {
    return this.transition(instanceId, 'suspend', POWER_STATE.SUSPENDED, POWER_STATE.RUNNING, async (f) => {
      try {
        await f.conn.save(f.dom, f.paths.memorySave);
      } catch (e) {
        await fs.rm(f.paths.memorySave, { force: true }); // a half-written image would be restored on the next start
        throw e;
      }
    });
  }

  resume(instanceId: string): Promise<void> {
    return this.transition(instanceId, 'resume', POWER_STATE.RUNNING, POWER_STATE.SUSPENDED, (f) =>
      startAndWait(f, this.host, { instanceId }, this.startTimeoutMs),
    );
  }

  async powerState(instanceId: string): Promise<PowerState> {
    const conn = await this.connection();
    const dom = await conn.lookup(instanceId);
    if (!dom) return POWER_STATE.NOSTATE;
    return stateOf({ conn, dom, paths: instancePaths(this.host.instancesDir, instanceId) });
  }

  async listDomains(): Promise<DomainInfo[]> {
    const conn = await this.connection();
    // only the domains whose instance directory is ours: one libvirtd may serve several hosts or clouds (parallel
    // test runs, a second stack), and an agent must never count, or destroy as orphaned, a domain it did not make
    const named = (await conn.list()).filter((d) => isInstanceId(d.name));
    const mine = await Promise.all(named.map((d) => exists(instancePaths(this.host.instancesDir, d.name).dir)));
    const rows = named.filter((_, n) => mine[n]);
    return Promise.all(
      rows.map(async ({ name, state }) => ({
        instanceId: name,
        powerState: await powerStateOf(state, instancePaths(this.host.instancesDir, name).memorySave),
      })),
    );
  }

  async imageFilesInUse(): Promise<string[]> {
    return filesInUse(await this.connection(), this.host.instancesDir);
  }

  /** The domain's vcpus and memory as libvirt reports them (not in HypervisorDriver: for tests and diagnostics). */
  async domainResources(instanceId: string): Promise<{ vcpus: number; memoryMb: number } | null> {
    const conn = await this.connection();
    const dom = await conn.lookup(instanceId);
    const status = dom && (await conn.status(dom));
    return status ? { vcpus: status.vcpus, memoryMb: status.memoryMb } : null;
  }

  async consoleLog(instanceId: string, maxBytes = 1024 * 1024): Promise<string> {
    if (!isInstanceId(instanceId)) return '';
    return readTail(instancePaths(this.host.instancesDir, instanceId).consoleLog, maxBytes);
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    if (conn) await (await conn.catch(() => null))?.close();
  }

  // --- shared steps ----------------------------------------------------------------------------------------------

  private async connection(): Promise<LibvirtConnection> {
    const current = this.conn;
    const open = current && (await current.catch(() => null));
    if (open?.lost && this.conn === current) {
      // libvirtd was restarted under us: the call that noticed failed, this one reconnects
      this.conn = undefined;
      void open.close().catch(() => undefined);
    }
    this.conn ??= this.host
      .prepare()
      .then(() => LibvirtConnection.open(this.host.uri))
      .catch((e: unknown) => {
        this.conn = undefined; // the next call tries again (libvirtd may have come up meanwhile)
        throw e;
      });
    return this.conn;
  }

  /**
   * Runs a change to the instance's domain under its lock; then a simulated host writes its domains down, also when
   * the change failed (it may have got halfway). A failed write fails a change that worked, not one that failed.
   */
  private change(instanceId: string, act: () => Promise<void>): Promise<void> {
    return this.locks.run(instanceId, async () => {
      const failure = await act().then(
        () => null,
        (e: unknown) => ({ e }),
      );
      const sim = this.sim;
      if (sim) {
        await this.connection()
          .then((conn) => sim.persist(conn))
          .catch((e: unknown) => {
            if (!failure) throw new Error(`writing host ${sim.uri} down failed: ${messageOf(e)}`, { cause: e });
          });
      }
      if (failure) throw failure.e;
    });
  }

  private async define(conn: LibvirtConnection, spec: DomainSpec, files: DomainFiles): Promise<Domain> {
    const xml = buildDomainXml(spec, this.host.domainType, files);
    const dom = await conn.define(xml);
    this.sim?.remember(spec.instanceId, xml);
    return dom;
  }

  private async find(instanceId: string, action: string): Promise<Found> {
    const conn = await this.connection();
    const paths = instancePaths(this.host.instancesDir, instanceId);
    const dom = await conn.lookup(instanceId);
    if (!dom) throw new Error(`cannot ${action} instance ${instanceId}: no domain on this host`);
    return { conn, dom, paths };
  }

  /** Runs `act` when the domain is in `from`; nothing when it already is in `to`; rejects otherwise. */
  private transition(
    instanceId: string,
    action: string,
    to: PowerState,
    from: PowerState,
    act: (f: Found) => Promise<void>,
  ): Promise<void> {
    return this.change(instanceId, async () => {
      const found = await this.find(instanceId, action);
      const state = await stateOf(found);
      if (state === to) return;
      if (state !== from)
        throw new Error(`cannot ${action} instance ${instanceId} while it is ${powerStateLabel(state)}`);
      await act(found);
    });
  }

  private async ensureRunning(f: Found, spec: { instanceId: string }): Promise<void> {
    const state = await stateOf(f);
    if (state === POWER_STATE.RUNNING || state === POWER_STATE.PAUSED) return;
    if (state === POWER_STATE.CRASHED) await f.conn.destroy(f.dom);
    await startAndWait(f, this.host, spec, this.startTimeoutMs);
  }
}

const isTestHost = (opts: LibvirtQemuOptions | LibvirtTestOptions): opts is LibvirtTestOptions => opts.uri === 'test';
