import path from 'node:path';
import { logger } from '../../server/lib/logger';
import type { Bus } from '../../server/rpc/bus';
import { buildInstance } from '../../server/rpc/contracts/compute/build-instance';
import { deleteInstance } from '../../server/rpc/contracts/compute/delete-instance';
import { getConsoleOutput } from '../../server/rpc/contracts/compute/get-console-output';
import { instanceAction } from '../../server/rpc/contracts/compute/instance-action';
import { computeNodeReport } from '../../server/rpc/contracts/conductor/compute-node-report';
import { hostInstances } from '../../server/rpc/contracts/conductor/host-instances';
import { powerStates } from '../../server/rpc/contracts/conductor/power-states';
import { ComputeManager } from './compute-manager';
import type { HypervisorDriver } from './driver';
import { ImageCache } from './image-cache';
import { type ImageCacheSweepSettings, type SweepResult, sweepImageCache } from './image-cache-sweep';

export type ComputeAgentOptions = {
  host: string;
  bus: Bus;
  driver: HypervisorDriver;
  /** This host's own directory: image cache under `_base`. */
  stateDir: string;
  availabilityZone?: string;
  hostIp?: string;
  /** How often the host says it is alive (default 10 s; the control plane calls it down after 60 s of silence). */
  heartbeatMs?: number;
  /** How often power states are reported (Nova's sync_power_state_interval, default 10 s here). */
  powerSyncMs?: number;
  /** How many messages the host works on at once (default 10). */
  concurrency?: number;
  /**
   * The image cache sweep (Nova's image cache manager): every `sweepMs` (default 40 min, Nova's manager_interval;
   * 0 never), unused bases older than `minAgeMs` (default one day) go, then the least recently used ones while the
   * cache is over `maxBytes` (default: no cap).
   */
  imageCache?: Partial<ImageCacheSweepSettings> & { sweepMs?: number };
};

export type ComputeAgent = {
  host: string;
  manager: ComputeManager;
  /** Runs one image cache sweep now (or joins the one under way). */
  sweepImageCache(): Promise<SweepResult>;
  close(): Promise<void>;
};

/**
 * One compute host: reports its capacity, reconciles libvirt against what the cloud says lives here, then consumes
 * `compute.<host>`. Closing stops consuming and waits for the work in progress, so SIGTERM loses nothing.
 */
export async function startComputeAgent(o: ComputeAgentOptions): Promise<ComputeAgent> {
  const log = logger.child({ c: 'compute-agent', host: o.host });
  await o.driver.init();
  const images = new ImageCache(path.join(o.stateDir, '_base'));
  const manager = new ComputeManager({ host: o.host, bus: o.bus, driver: o.driver, images });
  const sweepSettings = {
    minAgeMs: o.imageCache?.minAgeMs ?? 86_400_000,
    ...(o.imageCache?.maxBytes !== undefined && { maxBytes: o.imageCache.maxBytes }),
  };
  let sweeping: Promise<SweepResult> | null = null;
  // one sweep at a time: a slow one (a thousand instance directories) is joined, not doubled, by the next tick
  const sweep = () =>
    (sweeping ??= sweepImageCache(images, o.driver, sweepSettings, log).finally(() => {
      sweeping = null;
    }));

  // running_vms is not reported: the control plane counts the instances it placed here, as it counts their resources
  const report = async () => {
    const r = await o.driver.hostResources();
    await o.bus.cast(computeNodeReport, {
      args: {
        host: o.host,
        driver: o.driver.name,
        ...r,
        hostIp: o.hostIp ?? '127.0.0.1',
        ...(o.availabilityZone && { availabilityZone: o.availabilityZone }),
      },
    });
  };
  const syncPower = async () => {
    await o.bus.cast(powerStates, { args: { host: o.host, domains: await o.driver.listDomains() } });
  };

  await report();
  await reconcile(o, log);
  const serveOpts = { host: o.host, prefetch: o.concurrency ?? 10 };
  await o.bus.serve(buildInstance, (a) => manager.build(a), serveOpts);
  await o.bus.serve(instanceAction, (a) => manager.action(a), serveOpts);
  await o.bus.serve(deleteInstance, (a) => manager.delete(a), serveOpts);
  await o.bus.serve(
    getConsoleOutput,
    async (a) => ({ output: await manager.consoleOutput(a.instanceId, a.maxBytes) }),
    serveOpts,
  );

  const every = (ms: number, what: string, fn: () => Promise<void>) => {
    const t = setInterval(() => void fn().catch((err: unknown) => log.warn({ err }, `${what} failed`)), ms);
    t.unref();
    return t;
  };
  const timers = [
    every(o.heartbeatMs ?? 10_000, 'heartbeat', report),
    every(o.powerSyncMs ?? 10_000, 'power sync', syncPower),
  ];
  const sweepMs = o.imageCache?.sweepMs ?? 2_400_000;
  if (sweepMs > 0)
    timers.push(
      every(sweepMs, 'image cache sweep', async () => {
        await sweep();
      }),
    );
  log.info({ driver: o.driver.name }, 'compute agent up');

  return {
    host: o.host,
    manager,
    sweepImageCache: sweep,
    async close() {
      for (const t of timers) clearInterval(t);
      await sweeping?.catch(() => undefined);
      await manager.idle();
      await o.driver.close();
    },
  };
}

/**
 * After a restart: domains the cloud no longer knows (deleted while the host was away) are destroyed; instances it
 * still knows keep their domains, and the first power sync reports their real state.
 */
async function reconcile(o: ComputeAgentOptions, log: typeof logger) {
  const { instances } = await o.bus.call(hostInstances, { args: { host: o.host }, timeoutMs: 30_000 });
  const known = new Set(instances.map((i) => i.instanceId));
  for (const d of await o.driver.listDomains()) {
    if (known.has(d.instanceId)) continue;
    log.warn(
      { instanceId: d.instanceId },
      'destroying a domain the cloud does not know (deleted while this host was away)',
    );
    await o.driver.destroy(d.instanceId);
  }
  await o.bus.cast(powerStates, { args: { host: o.host, domains: await o.driver.listDomains() } });
}
