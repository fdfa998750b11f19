import type { Db, Tx } from '../db/client';
import { AppError, notFound } from '../lib/errors';
import { isCloudAdmin, type AuthContext } from '../policy/auth-context';
import { enforce } from '../policy/policy';
import { MAX_QUOTA, UNLIMITED, type TBelowUsage, type TQuotaLimits, type TQuotaUsage, type TSetLimitsResult } from './quota.dto';
import { quotaRegistry, type QuotaRegistry } from './quota-registry';
import { DEFAULTS_PROJECT, quotaRepository as repo } from './quota.repository';

/**
 * Per-project limits on what services count (instances, cores, volumes…), and the atomic check-and-reserve they call
 * inside their own transaction. Effective limit = the project's own row, else the default row, else the registered default.
 */
export class QuotaService {
  constructor(
    private readonly db: Db,
    private readonly registry: QuotaRegistry = quotaRegistry,
  ) {}

  async limits(ctx: AuthContext, projectId: string): Promise<TQuotaLimits> {
    this.authorizeRead(ctx, projectId);
    return this.effectiveLimits(this.db, projectId);
  }

  async usage(ctx: AuthContext, projectId: string): Promise<TQuotaUsage> {
    this.authorizeRead(ctx, projectId);
    const [limits, used] = await Promise.all([this.effectiveLimits(this.db, projectId), this.inUse(this.db, projectId)]);
    return Object.fromEntries(Object.entries(limits).map(([r, limit]) => [r, { limit, inUse: used.get(r) ?? 0 }]));
  }

  /** The defaults as a project without overrides sees them; readable by any reader (Nova lets everyone see them). */
  async defaults(ctx: AuthContext): Promise<TQuotaLimits> {
    enforce(ctx, 'identity:get_quotas', {
      projectId: ctx.projectId ?? undefined,
    });
    return this.effectiveLimits(this.db, DEFAULTS_PROJECT);
  }

  /**
   * A limit below current usage is accepted by default (nothing is taken away; new reservations just fail) and listed
   * in `belowUsage`; `{ allowBelowUsage: false }` refuses it instead, as Nova's update without `force` does.
   */
  async setLimits(
    ctx: AuthContext,
    projectId: string,
    input: Record<string, unknown>,
    opts: { allowBelowUsage?: boolean } = {},
  ): Promise<TSetLimitsResult> {
    enforce(ctx, 'identity:update_quotas', { projectId });
    requireProjectId(projectId);
    const limits = this.registry.parseLimits(input);
    const used = await this.inUse(this.db, projectId);
    const belowUsage: TBelowUsage[] = Object.entries(limits)
      .map(([resource, limit]) => ({
        resource,
        limit,
        inUse: used.get(resource) ?? 0,
      }))
      .filter((b) => b.limit !== UNLIMITED && b.limit < b.inUse);
    const first = belowUsage[0];
    if (first && opts.allowBelowUsage === false) {
      throw new AppError(
        'BadRequest',
        `Quota limit ${first.limit} for ${first.resource} must be greater than or equal to already used and reserved ${first.inUse}.`,
        { ...first },
      );
    }
    await repo.upsertLimits(this.db, projectId, limits);
    return {
      limits: await this.effectiveLimits(this.db, projectId),
      belowUsage,
    };
  }

  /** Changes what every project without its own limit gets. */
  async setDefaults(ctx: AuthContext, input: Record<string, unknown>): Promise<TQuotaLimits> {
    enforce(ctx, 'identity:update_quotas');
    await repo.upsertLimits(this.db, DEFAULTS_PROJECT, this.registry.parseLimits(input));
    return this.effectiveLimits(this.db, DEFAULTS_PROJECT);
  }

  /** Drops the project's own limits so the defaults apply again; usage is untouched. */
  async resetLimits(ctx: AuthContext, projectId: string): Promise<TQuotaLimits> {
    enforce(ctx, 'identity:update_quotas', { projectId });
    requireProjectId(projectId);
    await repo.deleteLimits(this.db, projectId);
    return this.effectiveLimits(this.db, projectId);
  }

  /**
   * Checks and takes `deltas` (positive to consume, negative to give back) in the caller's transaction, so the usage
   * commits or rolls back with the resource it pays for. The usage rows stay locked until that transaction ends: two
   * concurrent boots can never both take the last instance. Call it once per transaction with every resource the
   * operation needs; a second call may lock rows out of the global order and deadlock (PostgreSQL then aborts one).
   * Returns the touched resources with their new usage.
   */
  async reserve(tx: Tx, projectId: string, deltas: Record<string, number>): Promise<TQuotaUsage> {
    requireProjectId(projectId);
    const changes = this.registry.parseDeltas(deltas);
    const names = Object.keys(changes).sort();
    if (!names.length) return {};
    await repo.ensureUsageRows(tx, projectId, names);
    const locked = new Map((await repo.lockUsageRows(tx, projectId, names)).map((r) => [r.resource, r.inUse]));
    const limits = await this.effectiveLimits(tx, projectId);
    const next: Record<string, number> = {};
    for (const resource of names) {
      const delta = changes[resource] ?? 0;
      const used = locked.get(resource) ?? 0;
      const limit = limits[resource] ?? UNLIMITED;
      // giving back never fails, and never below zero (a double release must not mint free capacity)
      if (delta > 0) assertWithinLimit(resource, delta, used, limit);
      next[resource] = Math.max(0, used + delta);
    }
    await repo.writeUsage(tx, projectId, next);
    return Object.fromEntries(names.map((r) => [r, { limit: limits[r] ?? UNLIMITED, inUse: next[r] ?? 0 }]));
  }

  /** Gives back `amounts` (non-negative numbers), e.g. `{ instances: 1, cores: 2 }` when a server is deleted. */
  async release(tx: Tx, projectId: string, amounts: Record<string, number>): Promise<TQuotaUsage> {
    const negative = Object.entries(amounts).find(([, n]) => typeof n !== 'number' || n < 0);
    if (negative) throw new AppError('BadRequest', `Quota release for ${negative[0]} must not be negative, got ${String(negative[1])}.`);
    return this.reserve(tx, projectId, Object.fromEntries(Object.entries(amounts).map(([r, n]) => [r, -n])));
  }

  /** Another project's quota is "not found" for non-admins: existence is not disclosed. */
  private authorizeRead(ctx: AuthContext, projectId: string): void {
    if (!projectId || (!isCloudAdmin(ctx) && ctx.projectId !== projectId)) throw notFound('project', projectId);
    enforce(ctx, 'identity:get_quotas', { projectId });
  }

  private async effectiveLimits(q: Tx, projectId: string): Promise<TQuotaLimits> {
    const rows = await repo.limitRows(q, projectId);
    const own = new Map(rows.filter((r) => r.projectId === projectId).map((r) => [r.resource, r.limit]));
    const defaults = new Map(rows.filter((r) => r.projectId === DEFAULTS_PROJECT).map((r) => [r.resource, r.limit]));
    return Object.fromEntries(this.registry.list().map((r) => [r.name, own.get(r.name) ?? defaults.get(r.name) ?? r.defaultLimit]));
  }

  private async inUse(q: Tx, projectId: string): Promise<Map<string, number>> {
    return new Map((await repo.usageRows(q, projectId)).map((r) => [r.resource, r.inUse]));
  }
}

// "" is the defaults' row key: a reservation or override against it would silently change every project
function requireProjectId(projectId: string): void {
  if (!projectId) throw new AppError('BadRequest', 'A project id is required.');
}

function assertWithinLimit(resource: string, requested: number, used: number, limit: number): void {
  if (used + requested > MAX_QUOTA) throw new AppError('BadRequest', `Quota usage for ${resource} would exceed ${MAX_QUOTA}.`);
  if (limit === UNLIMITED || used + requested <= limit) return;
  throw new AppError('OverQuota', `Quota exceeded for ${resource}: Requested ${requested}, but already used ${used} of ${limit} ${resource}`, {
    resource,
    requested,
    used,
    limit,
  });
}
