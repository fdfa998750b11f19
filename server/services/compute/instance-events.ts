import { logger } from '../../lib/logger';
import type { Bus } from '../../rpc/bus';
import type { TInstance, TInstanceFault } from './instance.dto';
import { serverStatus } from './states';

/** The notification every instance change publishes: what a live view needs to redraw one row. */
export type TInstanceEvent = {
  id: string;
  name: string;
  status: string;
  vmState: string;
  taskState: string | null;
  powerState: number;
  host: string | null;
  projectId: string;
  deleted: boolean;
  fault: { code: number; message: string } | null;
  updatedAt: string;
};

export const INSTANCE_EVENT = 'instance.update';

export const instanceEvent = (i: TInstance, fault?: TInstanceFault | { code: number; message: string } | null): TInstanceEvent => ({
  id: i.id,
  name: i.name,
  status: serverStatus(i.vmState, i.taskState),
  vmState: i.vmState,
  taskState: i.taskState,
  powerState: i.powerState,
  host: i.host,
  projectId: i.projectId,
  deleted: i.deleted,
  fault: fault ? { code: fault.code, message: fault.message } : null,
  updatedAt: i.updatedAt.toISOString(),
});

const log = logger.child({ c: 'compute-events' });

/**
 * Publishes after the transition committed, on the notifications exchange (`instance.<project>.instance.update`),
 * for the dashboard relay and, later, billing. A failed publish is logged, not thrown: the state change itself is
 * durable and the live view refetches on reconnect.
 */
export async function publishInstance(bus: Bus, i: TInstance | null, fault?: TInstanceEvent['fault']): Promise<void> {
  if (!i) return;
  try {
    await bus.notify({ resource: 'instance', projectId: i.projectId, event: INSTANCE_EVENT, payload: instanceEvent(i, fault) });
  } catch (err) {
    log.warn({ err, instanceId: i.id }, 'could not publish instance event');
  }
}
