import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import { COMPUTE_RESOURCES, type TComputeLimits } from '../../../../services/compute/compute-quotas.service';
import { parseInput } from '../../validate';
import { ZNovaBool } from './hosts.schemas';

/**
 * Bodies and queries of /limits, os-quota-sets and os-quota-class-sets, as Nova's JSON schemas have them
 * (nova/api/openstack/compute/schemas/{limits,quota_sets,quota_classes}.py), per microversion.
 */

/** nova-network's quotas, dropped from the API in 2.36 (2.50 for quota classes). Cumulo reports them as unlimited. */
export const LEGACY_NETWORK_QUOTAS = {
  fixed_ips: -1,
  floating_ips: -1,
  security_groups: -1,
  security_group_rules: -1,
} as const;
/** Personality files, dropped in 2.57. Cumulo injects no files, so these are Nova's defaults, for show only. */
export const LEGACY_FILE_QUOTAS = {
  injected_files: 5,
  injected_file_content_bytes: 10_240,
  injected_file_path_bytes: 255,
} as const;

// -1 (unlimited) to the integer columns' maximum, as a JSON integer or a string of digits
const ZLimit = z
  .union([
    z.number().int(),
    z
      .string()
      .regex(/^-?[0-9]+$/, 'must be an integer')
      .transform(Number),
  ])
  .pipe(z.number().int().min(-1).max(0x7fffffff));

function limitsSchema(opts: { network: boolean; files: boolean; force: boolean }) {
  const keys: string[] = [...COMPUTE_RESOURCES];
  if (opts.network) keys.push(...Object.keys(LEGACY_NETWORK_QUOTAS));
  if (opts.files) keys.push(...Object.keys(LEGACY_FILE_QUOTAS));
  const shape: Record<string, z.ZodTypeAny> = Object.fromEntries(keys.map((k) => [k, ZLimit.optional()]));
  if (opts.force) shape.force = ZNovaBool.optional();
  return z.object(shape).strict();
}

/** Only the resources Cumulo has: legacy keys an older microversion accepts are taken and have no effect, as in Nova. */
const known = (limits: Record<string, unknown>): Partial<TComputeLimits> =>
  Object.fromEntries(
    COMPUTE_RESOURCES.filter((r) => limits[r] !== undefined).map((r) => [r, limits[r]]),
  ) as Partial<TComputeLimits>;

/** PUT /os-quota-sets/{project_id}: `{quota_set: {instances: 5, cores: "7", force?: true}}`. */
export function quotaSetUpdateInput(
  body: unknown,
  v: { v236: boolean; v257: boolean },
): { limits: Partial<TComputeLimits>; force: boolean } {
  const schema = z.object({ quota_set: limitsSchema({ network: !v.v236, files: !v.v257, force: true }) }).strict();
  const { quota_set: q } = parseInput(schema, body ?? {});
  return { limits: known(q), force: (q.force as boolean | undefined) ?? false };
}

/** PUT /os-quota-class-sets/{class}: network keys until 2.50, personality keys until 2.57, no force. */
export function quotaClassUpdateInput(body: unknown, v: { v250: boolean; v257: boolean }): Partial<TComputeLimits> {
  const schema = z
    .object({ quota_class_set: limitsSchema({ network: !v.v250, files: !v.v257, force: false }) })
    .strict();
  return known(parseInput(schema, body ?? {}).quota_class_set);
}

const ZUserQuery = z.object({ user_id: z.union([z.string(), z.array(z.string())]).optional() });

/**
 * Queries of os-quota-sets: only `user_id` (strictly from 2.75). No per-user limits are kept, so a user's quota is
 * its project's (what Nova answers for a user without overrides); changing one is refused rather than applied to
 * the whole project.
 */
export function quotaQueryInput(query: unknown, strict: boolean, opts: { change: boolean }): void {
  const q = parseInput(strict ? ZUserQuery.strict() : ZUserQuery.passthrough(), query ?? {});
  if (q.user_id !== undefined && opts.change) {
    throw new AppError('BadRequest', 'Per-user quotas are not supported: omit user_id to change the project quota.');
  }
}

const ZLimitsQuery = z.object({ tenant_id: z.string({ invalid_type_error: 'must be given once' }).min(1).optional() });

/** GET /limits: `tenant_id` (admins); from 2.75 nothing else. */
export function limitsQueryInput(query: unknown, strict: boolean): { tenantId?: string } {
  const q = parseInput(strict ? ZLimitsQuery.strict() : ZLimitsQuery.passthrough(), query ?? {});
  return { tenantId: q.tenant_id };
}

/** A quota class is named by 1 to 255 characters; only "default" exists (it holds the defaults). */
export function quotaClassName(id: string, update: boolean): void {
  if (id.length < 1 || id.length > 255)
    throw new AppError('BadRequest', 'quota_class_name has a minimum character requirement of 1 and a maximum of 255.');
  if (update && id !== 'default') throw new AppError('BadRequest', "Only the 'default' quota class is supported.");
}
