import { AppError } from '../../lib/errors';
import type { AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import type { ComputeDeps } from './compute-deps';
import {
  dailyUsage,
  tenantUsages,
  windowStart,
  type TDailyUsage,
  type TPeriod,
  type TTenantUsage,
} from './usage-arithmetic';
import { UsageRepository } from './usage.repository';

/** The windows the dashboard's chart offers; anything longer is for the REST API. */
export const USAGE_WINDOWS = [14, 30] as const;

export type TUsageQuery = TPeriod & {
  /** Page over instances (Nova 2.40): at most `limit` of them, after the instance `marker`. */
  limit?: number;
  marker?: string;
};

/** os-simple-tenant-usage: instance-, vCPU-, RAM- and disk-hours of a project over a period, from the instance rows. */
export class UsageService {
  private readonly repo: UsageRepository;

  constructor(
    deps: Pick<ComputeDeps, 'db'>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.repo = new UsageRepository(deps.db);
  }

  /** One project's usage with every server's share; null when nothing of it ran in the period. */
  async forProject(ctx: AuthContext, projectId: string, q: TUsageQuery): Promise<TTenantUsage | null> {
    enforce(ctx, 'os_compute_api:os-simple-tenant-usage:show', { projectId });
    checkPeriod(q);
    const instances = await this.repo.activeIn(q, { projectId, after: await this.after(q.marker), limit: q.limit });
    return tenantUsages(instances, q, this.now())[0] ?? null;
  }

  /** Every project's usage (admins): the instances are paged, so a page may hold part of a project's servers. */
  async forAllProjects(ctx: AuthContext, q: TUsageQuery): Promise<TTenantUsage[]> {
    enforce(ctx, 'os_compute_api:os-simple-tenant-usage:list');
    checkPeriod(q);
    const instances = await this.repo.activeIn(q, { after: await this.after(q.marker), limit: q.limit });
    return tenantUsages(instances, q, this.now());
  }

  /** The project's usage per UTC day over the last `days` days, today (so far) included: the overview's chart. */
  async daily(ctx: AuthContext, projectId: string, days: number): Promise<TDailyUsage[]> {
    enforce(ctx, 'os_compute_api:os-simple-tenant-usage:show', { projectId });
    if (!Number.isInteger(days) || days < 1 || days > 366) {
      throw new AppError('BadRequest', `The usage window must be 1 to 366 days, not ${days}.`);
    }
    const now = this.now();
    const start = windowStart(now, days);
    return dailyUsage(await this.repo.activeIn({ start, stop: now }, { projectId }), start, now);
  }

  private async after(marker: string | undefined) {
    if (marker === undefined) return undefined;
    const found = await this.repo.marker(marker);
    if (!found) throw new AppError('BadRequest', `marker [${marker}] not found`);
    return found;
  }
}

function checkPeriod(p: TPeriod) {
  // an empty period (both ends left to default to now) is allowed: nothing ran in it
  if (p.start.getTime() > p.stop.getTime()) {
    throw new AppError('BadRequest', 'Invalid start time. The start time cannot occur after the end time.');
  }
}
