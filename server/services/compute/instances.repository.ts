import type { Db, Prisma, Tx } from '../../db/client';
import { newId } from '../../lib/ids';
import type { TInstance, TInstanceAction, TInstanceFault, TInstanceFlavor } from './instance.dto';
import type { VmState } from './states';

type Row = Prisma.InstanceGetPayload<object>;
type Where = Prisma.InstanceWhereInput;

const toInstance = (r: Row): TInstance => ({
  ...r,
  vmState: r.vmState as VmState,
  flavor: r.flavor as unknown as TInstanceFlavor,
  oldFlavor: (r.oldFlavor ?? null) as unknown as TInstanceFlavor | null,
  newFlavor: (r.newFlavor ?? null) as unknown as TInstanceFlavor | null,
  metadata: (r.metadata ?? {}) as Record<string, string>,
});

export type NewInstance = Omit<
  TInstance,
  | 'createdAt'
  | 'updatedAt'
  | 'deleted'
  | 'deletedAt'
  | 'launchedAt'
  | 'terminatedAt'
  | 'oldFlavor'
  | 'newFlavor'
  | 'sourceHost'
  | 'triedHosts'
  | 'attempts'
  | 'quotaHeld'
  | 'locked'
  | 'progress'
  | 'powerState'
  | 'host'
>;

/** What a compare-and-set transition expects to find: the task (null = no task) and optionally the vm_state. */
export type Expect = { task?: string | null | readonly string[]; vm?: readonly string[]; host?: string | null };

export type InstanceChanges = Partial<
  Pick<
    TInstance,
    | 'vmState'
    | 'taskState'
    | 'powerState'
    | 'host'
    | 'sourceHost'
    | 'triedHosts'
    | 'attempts'
    | 'quotaHeld'
    | 'launchedAt'
    | 'terminatedAt'
    | 'deleted'
    | 'deletedAt'
    | 'imageId'
    | 'name'
    | 'description'
    | 'metadata'
    | 'locked'
    | 'progress'
  >
> & { flavor?: TInstanceFlavor; oldFlavor?: TInstanceFlavor | null; newFlavor?: TInstanceFlavor | null };

export type ListFilter = {
  /** Unset: every project (admins with all_tenants). */
  projectId?: string;
  vmStates?: string[];
  host?: string;
  name?: string;
  imageId?: string;
  flavorId?: string;
  reservationId?: string;
  changesSince?: Date;
  includeDeleted?: boolean;
  limit: number;
  marker?: string;
  sortKey: 'created_at' | 'display_name' | 'updated_at' | 'vm_state' | 'host' | 'uuid';
  sortDir: 'asc' | 'desc';
};

const SORT_COLUMN = {
  created_at: 'createdAt',
  display_name: 'name',
  updated_at: 'updatedAt',
  vm_state: 'vmState',
  host: 'host',
  uuid: 'id',
} as const;

const json = (v: unknown) => v as Prisma.InputJsonValue;

function whereExpect(id: string, e: Expect): Where {
  const where: Where = { id, deleted: false };
  if (e.task === null) where.taskState = null;
  else if (typeof e.task === 'string') where.taskState = e.task;
  else if (e.task) where.taskState = { in: [...e.task] };
  if (e.vm) where.vmState = { in: [...e.vm] };
  if (e.host !== undefined) where.host = e.host;
  return where;
}

function dataOf(c: InstanceChanges): Prisma.InstanceUpdateManyMutationInput {
  const { flavor, oldFlavor, newFlavor, metadata, ...rest } = c;
  return {
    ...rest,
    ...(flavor !== undefined && { flavor: json(flavor) }),
    ...(oldFlavor !== undefined && {
      oldFlavor: oldFlavor === null ? (null as unknown as Prisma.InputJsonValue) : json(oldFlavor),
    }),
    ...(newFlavor !== undefined && {
      newFlavor: newFlavor === null ? (null as unknown as Prisma.InputJsonValue) : json(newFlavor),
    }),
    ...(metadata !== undefined && { metadata: json(metadata) }),
  };
}

/** Prisma access for instances, their action log, faults and resource claims. */
export class InstancesRepository {
  constructor(private readonly db: Db) {}

  async insert(tx: Tx, i: NewInstance): Promise<void> {
    await tx.instance.create({ data: { ...i, flavor: json(i.flavor), metadata: json(i.metadata) } });
  }

  async get(id: string, q: Tx = this.db): Promise<TInstance | null> {
    const r = await q.instance.findUnique({ where: { id } });
    return r && toInstance(r);
  }

  async list(f: ListFilter): Promise<TInstance[]> {
    const where: Where = {
      ...(f.includeDeleted ? {} : { deleted: false }),
      ...(f.projectId !== undefined && { projectId: f.projectId }),
      ...(f.vmStates && { vmState: { in: f.vmStates } }),
      ...(f.host !== undefined && { host: f.host }),
      ...(f.name !== undefined && { name: { contains: f.name, mode: 'insensitive' as const } }),
      ...(f.imageId !== undefined && { imageId: f.imageId }),
      ...(f.flavorId !== undefined && { flavor: { path: ['id'], equals: f.flavorId } }),
      ...(f.reservationId !== undefined && { reservationId: f.reservationId }),
      ...(f.changesSince && { updatedAt: { gte: f.changesSince } }),
    };
    const column = SORT_COLUMN[f.sortKey];
    const rows = await this.db.instance.findMany({
      where,
      orderBy: [{ [column]: f.sortDir }, { id: f.sortDir }],
      take: f.limit,
      ...(f.marker && { cursor: { id: f.marker }, skip: 1 }),
    });
    return rows.map(toInstance);
  }

  /** Instances on a host, not deleted (what the agent should have). */
  async onHost(host: string): Promise<TInstance[]> {
    return (await this.db.instance.findMany({ where: { host, deleted: false } })).map(toInstance);
  }

  async serverGroup(
    id: string,
  ): Promise<{ id: string; projectId: string; policy: string; rules: Record<string, unknown> } | null> {
    const g = await this.db.serverGroup.findUnique({ where: { id } });
    return (
      g && { id: g.id, projectId: g.projectId, policy: g.policy, rules: (g.rules ?? {}) as Record<string, unknown> }
    );
  }

  /** Builds in progress on a host, for the stuck-build sweep. */
  async spawning(): Promise<TInstance[]> {
    const rows = await this.db.instance.findMany({
      where: { deleted: false, vmState: 'building', taskState: 'spawning', host: { not: null } },
    });
    return rows.map(toInstance);
  }

  /** Locks a server group's row until the transaction ends, so placements into one group happen one at a time. */
  async lockGroup(tx: Tx, groupId: string): Promise<void> {
    await tx.$queryRaw`SELECT id FROM "ServerGroup" WHERE id = ${groupId} FOR UPDATE`;
  }

  /** Members of a server group that are placed somewhere, for the affinity filters. */
  async hostsOfGroup(groupId: string, exceptId: string, q: Tx = this.db): Promise<string[]> {
    const rows = await q.instance.findMany({
      where: { serverGroupId: groupId, deleted: false, id: { not: exceptId }, host: { not: null } },
      select: { host: true },
    });
    return rows.map((r) => r.host!);
  }

  /**
   * Compare-and-set: applies `changes` only when the instance is as `expect` says (Nova's
   * `instance.save(expected_task_state=…)`), so two requests racing on one instance cannot both win.
   * Returns the updated instance, or null when it was not in the expected state.
   */
  async transition(q: Tx, id: string, expect: Expect, changes: InstanceChanges): Promise<TInstance | null> {
    const { count } = await q.instance.updateMany({ where: whereExpect(id, expect), data: dataOf(changes) });
    return count === 1 ? this.get(id, q) : null;
  }

  async startAction(
    q: Tx,
    a: {
      instanceId: string;
      action: string;
      requestId: string;
      projectId: string;
      userId: string;
      event?: string;
      host?: string | null;
    },
  ): Promise<string> {
    const id = newId();
    await q.instanceAction.create({
      data: {
        id,
        instanceId: a.instanceId,
        action: a.action,
        requestId: a.requestId,
        projectId: a.projectId,
        userId: a.userId,
        ...(a.event && { events: { create: { id: newId(), event: a.event, host: a.host ?? null } } }),
      },
    });
    return id;
  }

  /** Opens an event on an action (idempotent per action and event name). */
  async startEvent(q: Tx, actionId: string, event: string, host: string | null): Promise<void> {
    const open = await q.instanceActionEvent.findFirst({ where: { actionId, event, finishTime: null } });
    if (!open) await q.instanceActionEvent.create({ data: { id: newId(), actionId, event, host } });
  }

  /** Closes the action's open events with a result ("Success" or "Error"), and sets the action's message. */
  async finishAction(
    q: Tx,
    actionId: string,
    result: 'Success' | 'Error',
    opts: { message?: string; traceback?: string } = {},
  ) {
    await q.instanceActionEvent.updateMany({
      where: { actionId, finishTime: null },
      data: { finishTime: new Date(), result, ...(opts.traceback && { traceback: opts.traceback }) },
    });
    if (opts.message) await q.instanceAction.updateMany({ where: { id: actionId }, data: { message: opts.message } });
  }

  /** The newest action of this kind on the instance (the build's is "create"). */
  async latestAction(instanceId: string, action: string, q: Tx = this.db): Promise<string | null> {
    const a = await q.instanceAction.findFirst({
      where: { instanceId, action },
      orderBy: { startTime: 'desc' },
      select: { id: true },
    });
    return a?.id ?? null;
  }

  async actions(instanceId: string): Promise<TInstanceAction[]> {
    return this.db.instanceAction.findMany({
      where: { instanceId },
      orderBy: { startTime: 'desc' },
      include: { events: { orderBy: { startTime: 'asc' } } },
    });
  }

  async action(instanceId: string, requestId: string): Promise<TInstanceAction | null> {
    return this.db.instanceAction.findFirst({
      where: { instanceId, requestId },
      include: { events: { orderBy: { startTime: 'asc' } } },
    });
  }

  async addFault(
    q: Tx,
    f: { instanceId: string; code: number; message: string; details?: string; host?: string | null },
  ) {
    await q.instanceFault.create({ data: { id: newId(), ...f, details: f.details ?? '', host: f.host ?? null } });
  }

  /** The newest fault of each instance, for the `fault` field of servers in ERROR. */
  async latestFaults(instanceIds: string[]): Promise<Map<string, TInstanceFault>> {
    if (!instanceIds.length) return new Map();
    const rows = await this.db.instanceFault.findMany({
      where: { instanceId: { in: instanceIds } },
      orderBy: { createdAt: 'desc' },
      distinct: ['instanceId'],
    });
    return new Map(rows.map((r) => [r.instanceId, r]));
  }
}
