import type { Bus } from '../rpc/bus';
import { scheduleInstance } from '../rpc/contracts/scheduler/schedule-instance';
import type { Scheduler } from './scheduler';

/** The scheduler role: every controller competes on the shared `scheduler` queue. */
export async function serveScheduler(bus: Bus, scheduler: Scheduler): Promise<void> {
  await bus.serve(scheduleInstance, (a) => scheduler.schedule(a.instanceId, a.authToken), { prefetch: 20 });
}
