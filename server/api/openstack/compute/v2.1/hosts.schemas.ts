import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import type { THypervisorQuery, TServiceUpdate } from '../../../../services/compute/host.dto';
import { parseInput } from '../../validate';

/**
 * Queries and bodies of os-services and os-hypervisors, as Nova's JSON schemas have them
 * (nova/api/openstack/compute/schemas/{services,hypervisors}.py), per microversion.
 */

// Nova's parameter_types.boolean: JSON booleans or these strings
const TRUE = ['true', '1', 'on', 'yes'];
const FALSE = ['false', '0', 'off', 'no'];
export const ZNovaBool = z.union([
  z.boolean(),
  z
    .string()
    .refine((s) => TRUE.includes(s.toLowerCase()) || FALSE.includes(s.toLowerCase()), {
      message: 'is not a valid boolean value',
    })
    .transform((s) => TRUE.includes(s.toLowerCase())),
]);
const ZReason = z.string().min(1).max(255);
const ZHostName = z.string().min(1).max(255);
// a repeated query parameter arrives as an array: Nova's single_param refuses it
const single = <S extends z.ZodTypeAny>(s: S) => z.string({ invalid_type_error: 'must be given once' }).pipe(s);
const ZNonNegative = z
  .string()
  .regex(/^[0-9]+$/, 'must be a non-negative integer')
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .max(2 ** 31 - 1),
  );

const ZServicesQuery = z.object({ host: z.string().optional(), binary: z.string().optional() });

/** GET /os-services; from 2.75 unknown parameters are refused. */
export function servicesQueryInput(query: unknown, strict: boolean): { host?: string; binary?: string } {
  return parseInput(strict ? ZServicesQuery.strict() : ZServicesQuery.passthrough(), query ?? {});
}

const ZUpdate253 = z
  .object({
    status: z.enum(['enabled', 'disabled']).optional(),
    disabled_reason: ZReason.optional(),
    forced_down: ZNovaBool.optional(),
  })
  .strict();

/** PUT /os-services/{service_id} from 2.53: nothing is required, but something must change (checked by the service). */
export function serviceUpdateInput(body: unknown): TServiceUpdate {
  const b = parseInput(ZUpdate253, body ?? {});
  return { status: b.status, disabledReason: b.disabled_reason, forcedDown: b.forced_down };
}

const ZLegacyBase = z.object({
  host: ZHostName,
  binary: z.string().min(1).max(255),
  disabled_reason: ZReason.optional(),
});
const ZLegacy = ZLegacyBase.strict();
const ZLegacy211 = ZLegacyBase.extend({ forced_down: ZNovaBool.optional() }).strict();
export const LEGACY_ACTIONS = ['enable', 'disable', 'disable-log-reason', 'force-down'] as const;
export type TLegacyAction = (typeof LEGACY_ACTIONS)[number];

/** PUT /os-services/{enable,disable,disable-log-reason,force-down} before 2.53: the service is named in the body. */
export function legacyServiceInput(
  action: string,
  body: unknown,
  v211: boolean,
): { action: TLegacyAction; host: string; binary: string; change: TServiceUpdate } {
  if (!(LEGACY_ACTIONS as readonly string[]).includes(action) || (action === 'force-down' && !v211)) {
    throw new AppError('NotFound', 'Unknown action');
  }
  const b = parseInput(v211 ? ZLegacy211 : ZLegacy, body ?? {}) as z.infer<typeof ZLegacy211>;
  const base = { action: action as TLegacyAction, host: b.host, binary: b.binary };
  switch (action) {
    case 'enable':
      return { ...base, change: { status: 'enabled' } };
    case 'disable':
      return { ...base, change: { status: 'disabled' } };
    case 'disable-log-reason':
      if (!b.disabled_reason) throw new AppError('BadRequest', 'Missing disabled reason field');
      return { ...base, change: { status: 'disabled', disabledReason: b.disabled_reason } };
    default:
      if (b.forced_down === undefined) throw new AppError('BadRequest', 'Missing forced_down field');
      return { ...base, change: { forcedDown: b.forced_down } };
  }
}

const ZPaging = { limit: single(ZNonNegative).optional(), marker: single(z.string()).optional() };
const ZHypervisors253 = z
  .object({
    ...ZPaging,
    hypervisor_hostname_pattern: single(ZHostName).optional(),
    with_servers: single(ZNovaBool).optional(),
  })
  .strict();
const ZHypervisors233 = z.object(ZPaging).passthrough();

/** GET /os-hypervisors(/detail): paging from 2.33; the name pattern and with_servers from 2.53 (and nothing else). */
export function hypervisorsQueryInput(query: unknown, v: { v233: boolean; v253: boolean }): THypervisorQuery {
  if (v.v253) {
    const q = parseInput(ZHypervisors253, query ?? {});
    return { limit: q.limit, marker: q.marker, pattern: q.hypervisor_hostname_pattern, withServers: q.with_servers };
  }
  // before 2.33 Nova neither pages nor refuses what it does not know
  if (!v.v233) return {};
  const q = parseInput(ZHypervisors233, query ?? {});
  return { limit: q.limit, marker: q.marker };
}

const ZShow253 = z.object({ with_servers: single(ZNovaBool).optional() }).strict();

/** GET /os-hypervisors/{id}: with_servers from 2.53. */
export function hypervisorShowInput(query: unknown, v253: boolean): { withServers: boolean } {
  if (!v253) return { withServers: false };
  return { withServers: parseInput(ZShow253, query ?? {}).with_servers ?? false };
}
