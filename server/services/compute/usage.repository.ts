import type { Db } from '../../db/client';
import type { TPeriod, TUsageInstance } from './usage-arithmetic';

const SELECT = {
  id: true,
  name: true,
  projectId: true,
  vmState: true,
  flavor: true,
  launchedAt: true,
  terminatedAt: true,
  deletedAt: true,
  createdAt: true,
} as const;

/** Instance rows as usage reads them, deleted ones included (their hours were used all the same). */
export class UsageRepository {
  constructor(private readonly db: Db) {}

  /**
   * The instances that ran at some point of the period, oldest first (the order paging follows): launched before it
   * ended and not ended before it began. An instance that never launched is not one of them.
   */
  async activeIn(
    period: TPeriod,
    f: { projectId?: string; after?: { createdAt: Date; id: string }; limit?: number } = {},
  ): Promise<TUsageInstance[]> {
    const rows = await this.db.instance.findMany({
      where: {
        ...(f.projectId !== undefined && { projectId: f.projectId }),
        launchedAt: { not: null, lt: period.stop },
        // a deleted row without a termination time stopped counting when it was deleted
        OR: [
          { terminatedAt: { gt: period.start } },
          { terminatedAt: null, deletedAt: null },
          { terminatedAt: null, deletedAt: { gt: period.start } },
        ],
        ...(f.after && {
          AND: [
            {
              OR: [{ createdAt: { gt: f.after.createdAt } }, { createdAt: f.after.createdAt, id: { gt: f.after.id } }],
            },
          ],
        }),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: f.limit,
      select: SELECT,
    });
    return rows.map(({ terminatedAt, deletedAt, flavor, ...r }) => {
      const fl = flavor as Record<string, unknown>;
      const num = (k: string) => (typeof fl[k] === 'number' ? (fl[k] as number) : 0);
      return {
        ...r,
        flavor: {
          name: String(fl.name ?? ''),
          vcpus: num('vcpus'),
          ram: num('ram'),
          disk: num('disk'),
          ephemeral: num('ephemeral'),
        },
        endedAt: terminatedAt ?? deletedAt,
      };
    });
  }

  /** The paging marker's row (any instance, deleted or not), or null. */
  async marker(id: string): Promise<{ createdAt: Date; id: string } | null> {
    return this.db.instance.findUnique({ where: { id }, select: { id: true, createdAt: true } });
  }
}
