import { logger } from '../lib/logger';
import type { Bus } from '../rpc/bus';
import { actionResult } from '../rpc/contracts/conductor/action-result';
import { buildResult } from '../rpc/contracts/conductor/build-result';
import { computeNodeReport, type TNodeReport } from '../rpc/contracts/conductor/compute-node-report';
import { hostInstances } from '../rpc/contracts/conductor/host-instances';
import { instanceDeleted } from '../rpc/contracts/conductor/instance-deleted';
import { powerStates } from '../rpc/contracts/conductor/power-states';
import { deleteInstance } from '../rpc/contracts/compute/delete-instance';
import { scheduleInstance } from '../rpc/contracts/scheduler/schedule-instance';
import type { InstancesRepository } from '../services/compute/instances.repository';
import type { InstanceLifecycle } from '../services/compute/lifecycle.service';

const log = logger.child({ c: 'conductor' });

export type ConductorDeps = {
  bus: Bus;
  instances: InstancesRepository;
  lifecycle: InstanceLifecycle;
  recordReport: (report: TNodeReport) => Promise<unknown>;
  /** Hosts whose service has stopped sending heartbeats. */
  downHosts: () => Promise<string[]>;
};

/**
 * Where compute agents report (modern Nova's conductor): agents never write the database, they cast their results
 * here and the conductor applies them through the lifecycle's compare-and-set transitions.
 */
export async function serveConductor(d: ConductorDeps): Promise<void> {
  await d.bus.serve(computeNodeReport, async (report) => {
    await d.recordReport(report);
  });
  await d.bus.serve(buildResult, async (r) => {
    if (r.ok) {
      if (await d.lifecycle.buildSucceeded(r)) return;
      // deleted (or moved) while it was building: the domain the host just made belongs to nobody
      const now = await d.instances.get(r.instanceId);
      if (!now || now.deleted || now.host !== r.host) {
        await d.bus.cast(deleteInstance, { host: r.host, args: { instanceId: r.instanceId, actionId: '' } });
      }
      return;
    }
    const failed = await d.lifecycle.buildFailed({ instanceId: r.instanceId, host: r.host, error: r.error ?? 'build failed' });
    if (failed?.rescheduled) {
      if (!r.authToken) {
        await d.lifecycle.noValidHost(r.instanceId, `The build failed on ${r.host} and cannot be rescheduled: ${r.error ?? ''}`);
        return;
      }
      log.info({ instanceId: r.instanceId, host: r.host, err: r.error }, 'build failed on host, rescheduling');
      await d.bus.cast(scheduleInstance, { args: { instanceId: r.instanceId, authToken: r.authToken } });
    }
  });
  await d.bus.serve(actionResult, async (r) => {
    await d.lifecycle.actionFinished(r);
  });
  await d.bus.serve(instanceDeleted, async (r) => {
    await d.lifecycle.deleted(r);
  });
  await d.bus.serve(powerStates, async (r) => {
    await d.lifecycle.syncPowerStates(r.host, r.domains);
  });
  await d.bus.serve(hostInstances, async ({ host }) => ({
    instances: (await d.instances.onHost(host)).map((i) => ({
      instanceId: i.id,
      vmState: i.vmState,
      taskState: i.taskState,
      attempt: i.attempts,
    })),
  }));
}

/**
 * Builds that would otherwise wait forever end in ERROR (quota and claim given back), so nothing stays in BUILD: those
 * on a host that stopped sending heartbeats, and those spawning for longer than `buildTimeoutMs` (0: no limit).
 * Run periodically; each instance is settled by one compare-and-set, so concurrent sweepers agree.
 */
export async function failStuckBuilds(d: ConductorDeps, buildTimeoutMs: number, now = Date.now()): Promise<number> {
  const down = new Set(await d.downHosts());
  let failed = 0;
  for (const i of await d.instances.spawning()) {
    const hostDown = down.has(i.host!);
    const tooLong = buildTimeoutMs > 0 && now - i.updatedAt.getTime() > buildTimeoutMs;
    if (!hostDown && !tooLong) continue;
    const why = hostDown ? `Compute host ${i.host} stopped responding during the build.` : `The build on ${i.host} did not finish within ${Math.round(buildTimeoutMs / 1000)} s.`;
    const r = await d.lifecycle.buildFailed({ instanceId: i.id, host: i.host!, error: why });
    // no token to fetch images elsewhere with: a stuck build ends here rather than being rescheduled
    if (r?.rescheduled) await d.lifecycle.noValidHost(i.id, why);
    if (r) failed++;
  }
  return failed;
}
