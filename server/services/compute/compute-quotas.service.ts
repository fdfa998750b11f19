import { AppError } from '../../lib/errors';
import type { AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { UNLIMITED, type TQuotaLimits } from '../../quota/quota.dto';
import type { ComputeDeps } from './compute-deps';
import { COMPUTE_QUOTAS } from './compute-quotas';
import { ComputeQuotasRepository } from './compute-quotas.repository';

export type TComputeResource = keyof typeof COMPUTE_QUOTAS;
/** Nova's resource order in its quota-set bodies is by name; ours follows the registry's. */
export const COMPUTE_RESOURCES = Object.keys(COMPUTE_QUOTAS).sort() as TComputeResource[];

export type TComputeLimits = Record<TComputeResource, number>;
export type TComputeUsage = Record<TComputeResource, { limit: number; inUse: number }>;

/** Resources whose usage a project holds as a whole; the only ones a lowered limit is checked against. */
const PROJECT_COUNTED: readonly TComputeResource[] = ['instances', 'cores', 'ram', 'server_groups'];

/**
 * Nova's quota views over the shared QuotaService: os-quota-sets, os-quota-class-sets (the defaults) and /limits.
 * Instances, cores and RAM are what servers reserved; key pairs (per user) and server groups are counted from rows.
 */
export class ComputeQuotasService {
  private readonly repo: ComputeQuotasRepository;

  constructor(private readonly deps: Pick<ComputeDeps, 'db' | 'quotas'>) {
    this.repo = new ComputeQuotasRepository(deps.db);
  }

  /** GET /limits: the caller's project, or (admins, `tenant_id`) another one. */
  async limits(ctx: AuthContext, tenantId?: string): Promise<TComputeUsage> {
    // Nova's limits rule is "anyone": the caller's own project is the target
    enforce(ctx, 'os_compute_api:limits', { projectId: ctx.projectId ?? undefined });
    if (tenantId !== undefined) enforce(ctx, 'os_compute_api:limits:other_project', { projectId: tenantId });
    const projectId = tenantId ?? ctx.projectId;
    if (!projectId)
      throw new AppError('BadRequest', 'Limits belong to a project: use a project-scoped token or name tenant_id.');
    return this.usageOf(ctx, projectId);
  }

  async quotaSet(ctx: AuthContext, projectId: string): Promise<TComputeLimits> {
    enforce(ctx, 'os_compute_api:os-quota-sets:show', { projectId });
    return pick(await this.deps.quotas.limits(ctx, projectId));
  }

  async quotaDetail(ctx: AuthContext, projectId: string): Promise<TComputeUsage> {
    enforce(ctx, 'os_compute_api:os-quota-sets:detail', { projectId });
    return this.usageOf(ctx, projectId);
  }

  /** The defaults are nobody's data (Nova lets anyone read them): the project in the path is not the target. */
  async defaults(ctx: AuthContext): Promise<TComputeLimits> {
    enforce(ctx, 'os_compute_api:os-quota-sets:defaults', { projectId: ctx.projectId ?? undefined });
    return pick(await this.deps.quotas.defaults(ctx));
  }

  /**
   * Sets the project's own limits. Without `force`, a limit below what the project already uses is refused as Nova
   * does; with it the limit is set and only new reservations fail.
   */
  async update(
    ctx: AuthContext,
    projectId: string,
    limits: Partial<TComputeLimits>,
    opts: { force?: boolean } = {},
  ): Promise<TComputeLimits> {
    enforce(ctx, 'os_compute_api:os-quota-sets:update', { projectId });
    if (!opts.force) {
      const usage = await this.usageOf(ctx, projectId);
      for (const [resource, limit] of Object.entries(limits) as [TComputeResource, number][]) {
        const inUse = PROJECT_COUNTED.includes(resource) ? usage[resource].inUse : 0;
        if (limit !== UNLIMITED && limit < inUse) {
          throw new AppError(
            'BadRequest',
            `Quota limit ${limit} for ${resource} must be greater than or equal to already used and reserved ${inUse}.`,
            { resource, limit, inUse },
          );
        }
      }
    }
    return pick((await this.deps.quotas.setLimits(ctx, projectId, limits)).limits);
  }

  /** DELETE /os-quota-sets/{id}: back to the defaults; usage is untouched. */
  async reset(ctx: AuthContext, projectId: string): Promise<void> {
    enforce(ctx, 'os_compute_api:os-quota-sets:delete', { projectId });
    await this.deps.quotas.resetLimits(ctx, projectId);
  }

  /** os-quota-class-sets/default: the defaults as an admin manages them. */
  async classDefaults(ctx: AuthContext): Promise<TComputeLimits> {
    enforce(ctx, 'os_compute_api:os-quota-class-sets:show');
    return pick(await this.deps.quotas.defaults(ctx));
  }

  async setClassDefaults(ctx: AuthContext, limits: Partial<TComputeLimits>): Promise<TComputeLimits> {
    enforce(ctx, 'os_compute_api:os-quota-class-sets:update');
    return pick(await this.deps.quotas.setDefaults(ctx, limits));
  }

  private async usageOf(ctx: AuthContext, projectId: string): Promise<TComputeUsage> {
    const [usage, keyPairs, serverGroups] = await Promise.all([
      this.deps.quotas.usage(ctx, projectId),
      this.repo.keyPairsOf(ctx.userId),
      this.repo.serverGroupsOf(projectId),
    ]);
    // counted rather than reserved: key pairs of the caller (as Nova counts them), the project's server groups;
    // metadata items and group members are limits per server and per group, with nothing in use project-wide
    const counted: Partial<Record<TComputeResource, number>> = {
      key_pairs: keyPairs,
      server_groups: serverGroups,
      metadata_items: 0,
      server_group_members: 0,
    };
    return Object.fromEntries(
      COMPUTE_RESOURCES.map((r) => [
        r,
        { limit: usage[r]?.limit ?? UNLIMITED, inUse: counted[r] ?? usage[r]?.inUse ?? 0 },
      ]),
    ) as TComputeUsage;
  }
}

/** Only compute's resources: the registry also holds other services' (volumes, networks…). */
function pick(limits: TQuotaLimits): TComputeLimits {
  return Object.fromEntries(COMPUTE_RESOURCES.map((r) => [r, limits[r] ?? UNLIMITED])) as TComputeLimits;
}
