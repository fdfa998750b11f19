import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client';
import { AppError, isAppError } from '../../lib/errors';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { allowed, enforce } from '../../policy/policy';
import type { QuotaService } from '../../quota/quota.service';
import { UNLIMITED } from '../../quota/quota.dto';
import type { ComputeDeps } from './compute-deps';
import {
  ZCreateServerGroup,
  type TCreateServerGroup,
  type TServerGroup,
  type TServerGroupListQuery,
} from './server-group.dto';
import { ServerGroupsRepository } from './server-groups.repository';

const groupNotFound = (id: string) => new AppError('NotFound', `Instance group ${id} could not be found.`);

/**
 * os-server-groups: a project's groups of servers that the scheduler keeps together (affinity) or apart
 * (anti-affinity). Another project's group is simply not found; admins see every group. Each group takes one
 * `server_groups` quota unit from its project for as long as it exists.
 */
export class ServerGroupsService {
  private readonly repo: ServerGroupsRepository;

  constructor(private readonly deps: Pick<ComputeDeps, 'db' | 'quotas'>) {
    this.repo = new ServerGroupsRepository(deps.db);
  }

  async list(ctx: AuthContext, q: TServerGroupListQuery): Promise<TServerGroup[]> {
    const projectId = ctx.projectId ?? undefined;
    enforce(ctx, 'os_compute_api:os-server-groups:index', { projectId });
    // as Nova: a non-admin asking for all projects quietly gets their own
    const all = q.allProjects && allowed(ctx, 'os_compute_api:os-server-groups:index:all_projects', { projectId });
    if (!all && !projectId) return [];
    return this.repo.list({ projectId: all ? undefined : projectId, limit: q.limit, offset: q.offset });
  }

  async get(ctx: AuthContext, id: string): Promise<TServerGroup> {
    const g = await this.find(ctx, id);
    enforce(ctx, 'os_compute_api:os-server-groups:show', { projectId: g.projectId });
    return g;
  }

  async create(ctx: AuthContext, input: TCreateServerGroup): Promise<TServerGroup> {
    const projectId = ctx.projectId;
    if (!projectId) throw new AppError('Forbidden', 'Server groups belong to projects: use a project-scoped token.');
    enforce(ctx, 'os_compute_api:os-server-groups:create', { projectId, userId: ctx.userId });
    const g = ZCreateServerGroup.parse(input);
    return this.deps.db.$transaction(async (tx) => {
      // the quota unit and the row commit together: a refused create records nothing
      await this.deps.quotas.reserve(tx, projectId, { server_groups: 1 }).catch((e: unknown) => {
        if (isAppError(e) && e.code === 'OverQuota')
          throw new AppError('OverQuota', 'Quota exceeded, too many server groups.', e.details);
        throw e;
      });
      return this.repo.insert(tx, {
        id: randomUUID(),
        name: g.name,
        projectId,
        userId: ctx.userId,
        policy: g.policy,
        rules: g.rules,
      });
    });
  }

  /** Nova lets a group with members go: its servers stay where they are and simply belong to no group any more. */
  async delete(ctx: AuthContext, id: string): Promise<void> {
    const g = await this.find(ctx, id);
    enforce(ctx, 'os_compute_api:os-server-groups:delete', { projectId: g.projectId });
    await this.deps.db.$transaction(async (tx) => {
      await this.deps.quotas.release(tx, g.projectId, { server_groups: 1 });
      // deleted concurrently: roll the release back with the transaction
      if (!(await this.repo.delete(tx, id))) throw groupNotFound(id);
    });
  }

  private async find(ctx: AuthContext, id: string): Promise<TServerGroup> {
    const g = await this.repo.get(id);
    if (!g || (!isCloudAdmin(ctx) && g.projectId !== ctx.projectId)) throw groupNotFound(id);
    return g;
  }
}

/**
 * server_group_members at boot, inside the boot's transaction: the group's row stays locked until it commits, so two
 * concurrent boots into one group cannot both take its last place. Nova refuses the whole request (no min_count
 * fallback), with a 403.
 */
export async function assertRoomInGroup(
  tx: Tx,
  quotas: QuotaService,
  ctx: AuthContext,
  groupId: string,
  adding: number,
): Promise<void> {
  const limit = (await quotas.limits(ctx, ctx.projectId!)).server_group_members ?? UNLIMITED;
  const members = await ServerGroupsRepository.lockAndCountMembers(tx, groupId);
  if (members === null) throw new AppError('BadRequest', `Invalid server group ${groupId}: it could not be found.`);
  if (limit !== UNLIMITED && members + adding > limit)
    throw new AppError('Forbidden', 'Quota exceeded, too many servers in group');
}
