import { AppError } from '../lib/errors';
import { MAX_QUOTA, ZQuotaLimit, type TQuotaLimits } from './quota.dto';

export type QuotaResource = {
  name: string;
  defaultLimit: number;
  description: string;
};

// Nova's and Cinder's names: `instances`, `floating_ips`, `gigabytes_lvm-1` (per volume type).
const RESOURCE_NAME = /^[a-z0-9][a-z0-9_.:-]{0,127}$/i;

/**
 * The resources services count. Quota rows for a name nobody registered are ignored, and requests naming one are
 * refused, so a typo in a caller is a 400 instead of a quota that silently never applies.
 */
export class QuotaRegistry {
  private readonly byName = new Map<string, QuotaResource>();

  register(r: QuotaResource): QuotaResource {
    if (!RESOURCE_NAME.test(r.name)) throw new Error(`invalid quota resource name ${JSON.stringify(r.name)}`);
    if (!ZQuotaLimit.safeParse(r.defaultLimit).success) throw new Error(`invalid default limit ${r.defaultLimit} for quota resource ${r.name}`);
    const existing = this.byName.get(r.name);
    if (existing) {
      // a module evaluated twice (tests, hot reload) registers again: harmless as long as it says the same thing
      if (existing.defaultLimit !== r.defaultLimit) throw new Error(`quota resource ${r.name} registered twice with different defaults`);
      return existing;
    }
    const frozen = Object.freeze({ ...r });
    this.byName.set(r.name, frozen);
    return frozen;
  }

  get(name: string): QuotaResource | undefined {
    return this.byName.get(name);
  }

  /** Sorted by name, so listings and lock order are stable. */
  list(): QuotaResource[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Names every unknown resource at once, so a client fixes its request in one go. */
  assertKnown(names: Iterable<string>): void {
    const unknown = [...names].filter((n) => !this.byName.has(n));
    if (unknown.length) throw new AppError('BadRequest', `Unknown quota resource(s): ${unknown.join(', ')}.`, { resources: unknown });
  }

  /** Validates limits as an admin sends them (Nova's range wording). */
  parseLimits(input: Record<string, unknown>): TQuotaLimits {
    this.assertKnown(Object.keys(input));
    for (const [resource, limit] of Object.entries(input)) {
      if (!ZQuotaLimit.safeParse(limit).success) {
        throw new AppError('BadRequest', `Quota limit ${String(limit)} for ${resource} must be an integer in the range of -1 and 2147483647.`, {
          resource,
          limit,
        });
      }
    }
    return input as TQuotaLimits;
  }

  /** Validates the amounts a service reserves or releases; zeros are dropped since they need no lock. */
  parseDeltas(input: Record<string, unknown>): TQuotaLimits {
    this.assertKnown(Object.keys(input));
    const deltas: TQuotaLimits = {};
    for (const [resource, delta] of Object.entries(input)) {
      if (typeof delta !== 'number' || !Number.isInteger(delta) || Math.abs(delta) > MAX_QUOTA) {
        throw new AppError('BadRequest', `Quota change ${String(delta)} for ${resource} must be an integer between -${MAX_QUOTA} and ${MAX_QUOTA}.`, {
          resource,
          delta,
        });
      }
      if (delta !== 0) deltas[resource] = delta;
    }
    return deltas;
  }
}

/** The registry the running cloud uses; each service registers its resources when its module loads. */
export const quotaRegistry = new QuotaRegistry();

export const registerResource = (r: QuotaResource): QuotaResource => quotaRegistry.register(r);
