import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startComputeAgent, type ComputeAgent } from '../../agents/compute/compute-agent';
import { makeDriver } from '../../agents/compute/make-driver';
import { createDb } from '../../server/db/client';
import { createImages } from '../../server/services/image/image.module';
import { adminContext, ensureDefaultImage } from '../../server/services/image/default-image';
import { bootOne, deleteOne, type BootSample, type DeleteSample, type SeeBy } from './boot-load';
import type { Cleanup } from './cleanup';
import type { InstanceWatch } from './instance-watch';
import type { Nova } from './nova';
import { benchBus, type BusChoice } from './sim-hosts';
import type { BenchStack } from './stack';

/** What the tiny guest prints on its serial console once its init has run (scripts/build-tiny-image.sh). */
export const BANNER = /Cumulo tiny guest \S+ booted/;
const ZONE = 'bench-qemu';

/** Real guests need root (qemu:///system) and a libvirtd that answers; `npm start` as root brings one up. */
export function realVmPossible(): { ok: boolean; why: string } {
  if (process.getuid?.() !== 0) return { ok: false, why: 'not root' };
  const r = spawnSync('virsh', ['-c', 'qemu:///system', 'version'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0
    ? { ok: true, why: 'libvirtd answers on qemu:///system' }
    : { ok: false, why: 'libvirtd does not answer on qemu:///system (scripts/libvirt-up.sh starts it)' };
}

export type RealRun = { boot: BootSample; consoleAt?: number; consoleFailed?: string; del?: DeleteSample };

/**
 * The real path end to end: a compute host on qemu:///system (in its own availability zone, so only these boots go
 * there), the `tiny` AMI registered from the build cache as `npm start` registers it, and `runs` boots one after
 * another through the API, each followed until the guest's banner shows in os-getConsoleOutput, then deleted.
 */
export async function realVmRuns(
  cleanup: Cleanup,
  o: {
    stack: BenchStack;
    nova: Nova;
    watch: InstanceWatch;
    see: SeeBy;
    bus: BusChoice;
    runs: number;
    cacheDir: string;
    timeoutMs: number;
  },
): Promise<{ runs: RealRun[]; image: string }> {
  const host = ZONE;
  const stateDir = path.join(o.stack.stateDir, 'qemu-host');
  fs.mkdirSync(stateDir, { recursive: true });
  const bus = benchBus(o.bus);
  const driver = makeDriver('libvirt', { host, stateDir });
  const booted: string[] = [];
  const started: { agent?: ComputeAgent } = {};
  cleanup.add('destroying the benchmark guests and closing the qemu host', async () => {
    for (const id of booted) await driver.destroy(id).catch(() => undefined);
    await bus.close();
    await started.agent?.close();
  });
  started.agent = await startComputeAgent({ host, bus, stateDir, driver, availabilityZone: ZONE });

  const db = createDb(o.stack.databaseUrl, { poolSize: 2 });
  let imageId: string;
  try {
    const images = createImages(db, o.stack.config);
    const r = await ensureDefaultImage(images, {
      ctx: await adminContext(db),
      cacheDir: o.cacheDir,
      buildTimeoutMs: 600_000,
    });
    imageId = r.image.id;
  } finally {
    await db.$disconnect();
  }
  const flavorRef = await o.nova.createFlavor({ name: 'bench.tiny-vm', vcpus: 1, ram: 256, disk: 1 });
  await untilZone(o.nova, ZONE, 30_000);

  const runs: RealRun[] = [];
  for (let n = 0; n < o.runs; n++) {
    const server = { name: `bench-vm-${n + 1}`, imageRef: imageId, flavorRef, availability_zone: ZONE };
    const boot = await bootOne(o.nova, o.see, o.watch, server, o.timeoutMs);
    const run: RealRun = { boot };
    runs.push(run);
    if (!boot.id) continue;
    booted.push(boot.id);
    if (boot.active !== undefined) {
      const at = await untilBanner(o.nova, boot.id, boot.sent + o.timeoutMs);
      if (typeof at === 'number') run.consoleAt = at;
      else run.consoleFailed = at.failed;
    }
    run.del = await deleteOne(o.nova, o.see, o.watch, boot.id, o.timeoutMs);
  }
  return { runs, image: imageId };
}

async function untilBanner(nova: Nova, id: string, deadline: number): Promise<number | { failed: string }> {
  let last = '';
  while (performance.now() < deadline) {
    const r = await nova.console(id);
    if (r.status === 200 && BANNER.test(r.body?.output ?? '')) return performance.now();
    last =
      r.status === 200
        ? (String(r.body?.output ?? '')
            .trim()
            .split('\n')
            .at(-1) ?? '')
        : `HTTP ${r.status}`;
    await new Promise((res) => setTimeout(res, 100));
  }
  return { failed: `no banner on the console (last line: ${last.slice(0, 120)})` };
}

async function untilZone(nova: Nova, zone: string, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const r = await nova.call('GET', '/os-availability-zone');
    if ((r.body?.availabilityZoneInfo ?? []).some((z: { zoneName: string }) => z.zoneName === zone)) return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`availability zone ${zone} did not appear within ${timeoutMs / 1000} s`);
}
