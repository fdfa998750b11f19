import type { Config } from './config/env';
import { failStuckBuilds, serveConductor, type ConductorDeps } from './conductor/conductor';
import { logger } from './lib/logger';
import type { RealtimeGateway } from './realtime/gateway';
import type { Bus } from './rpc/bus';
import { hostStateOf } from './scheduler/host-state';
import { Scheduler } from './scheduler/scheduler';
import { serveScheduler } from './scheduler/serve-scheduler';
import type { Compute } from './services/compute/compute.module';
import { INSTANCE_EVENT } from './services/compute/instance-events';

const log = logger.child({ c: 'compute-roles' });

/**
 * The control plane's compute roles on the bus: the scheduler, the conductor agents report to, the sweep that ends
 * stuck builds, and the relay of instance events to the dashboard's socket.io rooms. Any number of controllers may
 * run them: they compete on shared queues and every state change is a compare-and-set.
 */
export async function startComputeRoles(o: { bus: Bus; compute: Compute; config: Config; realtime: RealtimeGateway }) {
  const { bus, compute, config } = o;
  const { instances, lifecycle, imageRecords, imageUrl } = compute.internals;
  const scheduler = new Scheduler({
    bus,
    instances,
    lifecycle,
    images: imageRecords,
    hosts: async () => (await compute.hosts.repo.list()).map((n) => hostStateOf(n, compute.hosts.isUp(n))),
    imageUrl,
    ramMultiplier: config.SCHEDULER_RAM_WEIGHT_MULTIPLIER,
  });
  const conductor: ConductorDeps = {
    bus,
    instances,
    lifecycle,
    recordReport: (r) => compute.hosts.recordReport(r),
    downHosts: () => compute.hosts.downHosts(),
  };
  await serveScheduler(bus, scheduler);
  await serveConductor(conductor);
  const relay = await bus.subscribe(`instance.*.${INSTANCE_EVENT}`, (n) => {
    o.realtime.publish({ projectId: n.projectId, type: n.event, payload: n.payload });
  });
  // often enough that a dead host's builds end soon after it is declared down
  const sweepMs = Math.min(15_000, (config.COMPUTE_SERVICE_DOWN_SECONDS * 1000) / 3);
  const sweep = setInterval(
    () => void failStuckBuilds(conductor, config.COMPUTE_BUILD_TIMEOUT_SECONDS * 1000).catch((err: unknown) => log.warn({ err }, 'stuck-build sweep failed')),
    sweepMs,
  );
  sweep.unref();
  return {
    async close() {
      clearInterval(sweep);
      await relay.unsubscribe();
    },
  };
}
