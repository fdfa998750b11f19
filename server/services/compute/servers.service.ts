import { AppError } from '../../lib/errors';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { allowed, enforce } from '../../policy/policy';
import { getConsoleOutput } from '../../rpc/contracts/compute/get-console-output';
import { createServers, type CreatedServers } from './create-servers';
import type { TInstance, TInstanceAction, TInstanceFault } from './instance.dto';
import { publishInstance } from './instance-events';
import { deleteServer, findServer, runAction } from './server-actions';
import { ZUpdateServer, type TCreateServer, type TServerListQuery, type TUpdateServer } from './server.dto';
import type { ServerDeps } from './server-deps';
import type { ServerAction } from './states';

/** Nova's `status` filter values → vm_states (nova/api/openstack/common.py). */
const STATUS_TO_VM: Record<string, string[]> = {
  ACTIVE: ['active'],
  BUILD: ['building'],
  SHUTOFF: ['stopped'],
  PAUSED: ['paused'],
  SUSPENDED: ['suspended'],
  VERIFY_RESIZE: ['resized'],
  ERROR: ['error'],
  DELETED: ['deleted'],
  RESIZE: ['active', 'stopped'],
  REBOOT: ['active'],
  HARD_REBOOT: ['active'],
  REBUILD: ['active', 'stopped', 'error'],
};

export type ServerWithFault = TInstance & { fault: TInstanceFault | null };

/** The server use cases the REST and tRPC adapters call. */
export class ServersService {
  constructor(private readonly d: ServerDeps) {}

  create(ctx: AuthContext, input: TCreateServer): Promise<CreatedServers> {
    return createServers(this.d, ctx, input);
  }

  async list(ctx: AuthContext, q: TServerListQuery): Promise<ServerWithFault[]> {
    const projectId = ctx.projectId ?? undefined;
    enforce(ctx, 'os_compute_api:servers:detail', { projectId });
    const all = q.allProjects && allowed(ctx, 'os_compute_api:servers:detail:get_all_tenants', { projectId });
    // admins see deleted servers when they ask; others never do (Nova ignores the filter for them)
    const includeDeleted = Boolean(q.deleted) && isCloudAdmin(ctx);
    const status = q.status?.toUpperCase();
    if (status && !STATUS_TO_VM[status]) throw new AppError('BadRequest', `Invalid status value: ${q.status}`);
    if (q.marker && !(await this.d.repo.get(q.marker))) throw new AppError('BadRequest', `marker [${q.marker}] not found`);
    const found = await this.d.repo.list({
      projectId: all ? q.projectId : projectId,
      vmStates: status ? STATUS_TO_VM[status] : includeDeleted ? ['deleted'] : undefined,
      includeDeleted,
      host: all ? q.host : undefined,
      name: q.name,
      imageId: q.imageId,
      flavorId: q.flavorId,
      reservationId: q.reservationId,
      changesSince: q.changesSince,
      limit: q.limit,
      marker: q.marker,
      sortKey: q.sortKey,
      sortDir: q.sortDir,
    });
    return this.withFaults(found);
  }

  async get(ctx: AuthContext, id: string): Promise<ServerWithFault> {
    const i = await findServer(this.d, ctx, id);
    enforce(ctx, 'os_compute_api:servers:show', { projectId: i.projectId });
    return (await this.withFaults([i]))[0]!;
  }

  async update(ctx: AuthContext, id: string, input: TUpdateServer): Promise<ServerWithFault> {
    const i = await findServer(this.d, ctx, id);
    enforce(ctx, 'os_compute_api:servers:update', { projectId: i.projectId });
    const change = ZUpdateServer.parse(input);
    const updated = await this.d.repo.transition(this.d.db, id, {}, {
      ...(change.name !== undefined && { name: change.name }),
      ...(change.description !== undefined && { description: change.description }),
    });
    if (!updated) throw new AppError('NotFound', `Instance ${id} could not be found.`);
    await publishInstance(this.d.bus, updated);
    return (await this.withFaults([updated]))[0]!;
  }

  action(ctx: AuthContext, id: string, action: ServerAction, opts: { imageId?: string; flavorId?: string } = {}): Promise<TInstance> {
    return runAction(this.d, ctx, id, action, opts);
  }

  delete(ctx: AuthContext, id: string): Promise<void> {
    return deleteServer(this.d, ctx, id);
  }

  /** The guest's serial console, the last `lines` lines when given (`console log show --lines`). */
  async consoleOutput(ctx: AuthContext, id: string, lines?: number): Promise<string> {
    const i = await findServer(this.d, ctx, id);
    enforce(ctx, 'os_compute_api:os-console-output', { projectId: i.projectId });
    if (!i.host || i.vmState === 'building') throw new AppError('Conflict', `Instance ${id} has no console output yet: it is not running on a host.`);
    const { output } = await this.d.bus.call(getConsoleOutput, { host: i.host, args: { instanceId: id }, timeoutMs: 15_000 });
    if (lines === undefined) return output;
    const all = output.split('\n');
    if (all.at(-1) === '') all.pop();
    return all.slice(-lines).join('\n');
  }

  async actions(ctx: AuthContext, id: string): Promise<TInstanceAction[]> {
    const i = await this.visibleEvenDeleted(ctx, id);
    enforce(ctx, 'os_compute_api:os-instance-actions:list', { projectId: i.projectId });
    return this.d.repo.actions(id);
  }

  async actionDetail(ctx: AuthContext, id: string, requestId: string): Promise<TInstanceAction> {
    const i = await this.visibleEvenDeleted(ctx, id);
    enforce(ctx, 'os_compute_api:os-instance-actions:show', { projectId: i.projectId });
    const a = await this.d.repo.action(id, requestId);
    if (!a) throw new AppError('NotFound', `Action ${requestId} on instance ${id} could not be found.`);
    return a;
  }

  /** Nova shows the action log of a deleted server (`server event list` after delete). */
  private async visibleEvenDeleted(ctx: AuthContext, id: string): Promise<TInstance> {
    const i = await this.d.repo.get(id);
    if (!i || (!isCloudAdmin(ctx) && i.projectId !== ctx.projectId)) throw new AppError('NotFound', `Instance ${id} could not be found.`);
    return i;
  }

  private async withFaults(list: TInstance[]): Promise<ServerWithFault[]> {
    const faults = await this.d.repo.latestFaults(list.filter((i) => i.vmState === 'error').map((i) => i.id));
    return list.map((i) => ({ ...i, fault: faults.get(i.id) ?? null }));
  }
}
