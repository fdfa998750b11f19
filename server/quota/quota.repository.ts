import type { Tx } from '../db/client';

/** The projectId of the default rows every project inherits unless it has its own. */
export const DEFAULTS_PROJECT = '';

export type TLimitRow = { projectId: string; resource: string; limit: number };

/**
 * Quota rows through Prisma. Every function takes the client to run on (the Db or a transaction), so a reservation
 * joins the caller's transaction and commits or rolls back with the resource it pays for.
 */
export const quotaRepository = {
  /** The project's own limits and the defaults, in one query. */
  limitRows: (q: Tx, projectId: string): Promise<TLimitRow[]> =>
    q.quotaLimit.findMany({
      where: { projectId: { in: [DEFAULTS_PROJECT, projectId] } },
    }),

  usageRows: (q: Tx, projectId: string): Promise<{ resource: string; inUse: number }[]> =>
    q.quotaUsage.findMany({
      where: { projectId },
      select: { resource: true, inUse: true },
    }),

  /** One statement, so a partly applied update is never visible. */
  upsertLimits: async (q: Tx, projectId: string, limits: Record<string, number>): Promise<void> => {
    const names = Object.keys(limits);
    if (!names.length) return;
    await q.$executeRaw`
      INSERT INTO "QuotaLimit" ("projectId", "resource", "limit")
      SELECT ${projectId}, t.resource, t.lim FROM unnest(${names}::text[], ${names.map((n) => limits[n])}::int[]) AS t(resource, lim)
      ON CONFLICT ("projectId", "resource") DO UPDATE SET "limit" = EXCLUDED."limit"`;
  },

  deleteLimits: async (q: Tx, projectId: string): Promise<void> => {
    await q.quotaLimit.deleteMany({ where: { projectId } });
  },

  /**
   * Makes the usage rows exist so they can be locked: FOR UPDATE cannot lock a row that is not there, and two
   * first-ever reservations would otherwise both see "no usage". A concurrent insert of the same key waits for the
   * other transaction and then does nothing. Sorted, like the lock below, so two callers never wait on each other in
   * opposite orders.
   */
  ensureUsageRows: async (tx: Tx, projectId: string, resources: string[]): Promise<void> => {
    await tx.$executeRaw`
      INSERT INTO "QuotaUsage" ("projectId", "resource", "inUse")
      SELECT ${projectId}, r, 0 FROM unnest(${resources}::text[]) AS r ORDER BY r COLLATE "C"
      ON CONFLICT DO NOTHING`;
  },

  /** Locks the rows until the caller's transaction ends, in a fixed order (deadlock-free between reservers). */
  lockUsageRows: (tx: Tx, projectId: string, resources: string[]): Promise<{ resource: string; inUse: number }[]> =>
    tx.$queryRaw`
      SELECT "resource", "inUse" FROM "QuotaUsage"
      WHERE "projectId" = ${projectId} AND "resource" = ANY(${resources}::text[])
      ORDER BY "resource" COLLATE "C"
      FOR UPDATE`,

  /** Writes new values for rows this transaction holds locked. */
  writeUsage: async (tx: Tx, projectId: string, inUse: Record<string, number>): Promise<void> => {
    const names = Object.keys(inUse);
    await tx.$executeRaw`
      UPDATE "QuotaUsage" AS u SET "inUse" = v.in_use
      FROM unnest(${names}::text[], ${names.map((n) => inUse[n])}::int[]) AS v(resource, in_use)
      WHERE u."projectId" = ${projectId} AND u."resource" = v.resource`;
  },
};
