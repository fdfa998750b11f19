import { z } from 'zod';

/** -1 means unlimited, as in OpenStack. */
export const UNLIMITED = -1;
/** Limits and usage are PostgreSQL `integer` columns. */
export const MAX_QUOTA = 2_147_483_647;

/** A limit as an admin may set it: an integer from -1 (unlimited) to the column's maximum. */
export const ZQuotaLimit = z.number().int().min(UNLIMITED).max(MAX_QUOTA);

/** resource → limit, e.g. `{ instances: 10, cores: 20, ram: -1 }`. */
export type TQuotaLimits = Record<string, number>;
/** resource → its effective limit and what the project uses now. */
export type TQuotaUsage = Record<string, { limit: number; inUse: number }>;
/** A limit set below what the project already uses: allowed (as Nova with `force`), so reported to the caller. */
export type TBelowUsage = { resource: string; limit: number; inUse: number };
export type TSetLimitsResult = {
  limits: TQuotaLimits;
  belowUsage: TBelowUsage[];
};
