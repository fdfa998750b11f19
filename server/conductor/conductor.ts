import { logger } from '../lib/logger';
import type { Bus } from '../rpc/bus';
import { actionResult } from '../rpc/contracts/conductor/action-result';
import { buildResult } from '../rpc/contracts/conductor/build-result';
import { computeNodeReport, type TNodeReport } from '../rpc/contracts/conductor/compute-node-report';
import { hostInstances } from '../rpc/contracts/conductor/host-instances';
import { instanceDeleted } from '../rpc/contracts/conductor/instance-deleted';
import { powerStates } from '../rpc/contracts/conductor/power-states';
import { scheduleInstance } from '../rpc/contracts/scheduler/schedule-instance';
import type { InstancesRepository } from '../services/compute/instances.repository';
import type { InstanceLifecycle } from '../services/compute/lifecycle.service';
import { TASK, VM } from '../services/compute/states';

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
      await d.lifecycle.buildSucceeded(r);
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
 * Builds on a host that went silent would wait forever: the conductor ends them in ERROR (their quota and claim
 * given back) so nothing stays in BUILD. Run periodically; each instance is settled by one compare-and-set.
 */
export async function failBuildsOnDownHosts(d: ConductorDeps): Promise<number> {
  let failed = 0;
  for (const host of await d.downHosts()) {
    for (const i of await d.instances.onHost(host)) {
      if (i.vmState !== VM.BUILDING || i.taskState !== TASK.SPAWNING) continue;
      const r = await d.lifecycle.buildFailed({ instanceId: i.id, host, error: `Compute host ${host} stopped responding during the build.` });
      if (r?.rescheduled) await d.lifecycle.noValidHost(i.id, `Compute host ${host} stopped responding during the build.`);
      if (r) failed++;
    }
  }
  return failed;
}
