import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import type { TUsageQuery } from '../../../../services/compute/usage.service';
import { parseInput } from '../../validate';
import { parseLimit } from './flavors.schemas';

/**
 * Queries of os-simple-tenant-usage (nova/api/openstack/compute/schemas/simple_tenant_usage.py): `start`, `end`,
 * `detailed` on the index; `limit` and `marker` from 2.40; unknown parameters refused from 2.75.
 */

const lastOf = (v: unknown) => (Array.isArray(v) ? (v.at(-1) as unknown) : v);
const flat = (query: unknown) =>
  Object.fromEntries(Object.entries((query ?? {}) as Record<string, unknown>).map(([k, v]) => [k, lastOf(v)]));

// Nova's formats (%Y-%m-%dT%H:%M:%S, with .%f, or with a space), taken as UTC; a trailing Z is taken as well
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z?$/;

/** A time of the query, or now when absent; 400 for anything that is not one of the formats. */
export function parseUsageTime(v: string | undefined, now: Date): Date {
  if (v === undefined || v === '') return now;
  const m = DATETIME.exec(v.trim());
  const [, y, mo, d, h, mi, s, frac] = m ?? [];
  const ms = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Math.floor(Number(`0.${frac ?? 0}`) * 1000),
  );
  const date = new Date(ms);
  // Date.UTC rolls 2026-02-31 over into March: a date that does not read back the same is not a date
  if (!m || Number.isNaN(ms) || date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(mo) - 1) {
    throw new AppError('BadRequest', `Datetime is in invalid format: ${v}`);
  }
  return date;
}

const ZQuery = z.object({
  start: z.string().optional(),
  end: z.string().optional(),
  detailed: z.string().optional(),
  limit: z.string().optional(),
  marker: z.string().optional(),
});

/** The period (and, from 2.40, the page) of an index or show request; `detailed` only means something on the index. */
export function usageQueryInput(
  query: unknown,
  v: { paging: boolean; strict: boolean; index: boolean },
  now: Date,
): TUsageQuery & { detailed: boolean } {
  const schema = ZQuery.omit({
    ...(!v.paging && { limit: true as const, marker: true as const }),
    ...(!v.index && { detailed: true as const }),
  });
  const q = parseInput(v.strict ? schema.strict() : schema, flat(query)) as z.infer<typeof ZQuery>;
  return {
    start: parseUsageTime(q.start, now),
    stop: parseUsageTime(q.end, now),
    detailed: q.detailed === '1',
    ...(v.paging && { limit: parseLimit(q.limit), marker: q.marker }),
  };
}
