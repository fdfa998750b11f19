import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import { FLAVOR_SORT_KEYS, type TCreateFlavor, type TFlavorListQuery } from '../../../../services/compute/flavor.dto';
import { parseInput } from '../../validate';

/** Request bodies and queries of /flavors, as Nova's JSON schemas (nova/api/openstack/compute/schemas/flavor*.py) have them. */

const MAX_INT = 2 ** 31 - 1;
// Nova's "name" format: printable characters, no whitespace at either end
const ZName = z
  .string()
  .min(1)
  .max(255)
  .refine((s) => s.trim() === s && /^[^\p{C}]+$/u.test(s), {
    message:
      "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.",
  });
// Nova takes sizes as JSON integers or as strings of digits ("ram": "512")
const integerFrom = (min: number) =>
  z
    .union([
      z.number().int(),
      z
        .string()
        .regex(/^[0-9]+$/, 'must be an integer')
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(MAX_INT));
const ZFlavorId = z.union([z.string(), z.number().transform(String)]).pipe(
  z
    .string()
    .min(1)
    .max(255)
    .regex(/^(?! )[a-zA-Z0-9. _-]+(?<! )$/, 'may contain only letters, digits, spaces, . _ and -, not at either end'),
);
const ZRxtx = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^[0-9]+(\.[0-9]+)?$/, 'must be a number')
      .transform(Number),
  ])
  .pipe(z.number().positive().max(3.40282e38));
const ZDescription = z.string().max(65535).nullable();
// Nova's "boolean" parameter type: JSON booleans and the usual spellings of them
const TRUE_WORDS = ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes'];
const FALSE_WORDS = ['False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'];
const ZBoolean = z.union([
  z.boolean(),
  z
    .string()
    .refine((s) => TRUE_WORDS.includes(s) || FALSE_WORDS.includes(s), 'must be a boolean')
    .transform((s) => TRUE_WORDS.includes(s)),
]);

const ZCreateBase = z
  .object({
    name: ZName,
    id: ZFlavorId.nullable().optional(),
    ram: integerFrom(1),
    vcpus: integerFrom(1),
    disk: integerFrom(0),
    'OS-FLV-EXT-DATA:ephemeral': integerFrom(0).optional(),
    swap: integerFrom(0).optional(),
    rxtx_factor: ZRxtx.optional(),
    'os-flavor-access:is_public': ZBoolean.optional(),
  })
  .strict();
const ZCreate = z.object({ flavor: ZCreateBase }).strict();
const ZCreate255 = z.object({ flavor: ZCreateBase.extend({ description: ZDescription.optional() }).strict() }).strict();

/** POST /flavors; `description` only from 2.55. */
export function createFlavorInput(body: unknown, withDescription: boolean): TCreateFlavor {
  const { flavor: f } = parseInput(withDescription ? ZCreate255 : ZCreate, body) as z.infer<typeof ZCreate255>;
  return {
    id: f.id ?? undefined,
    name: f.name,
    ramMb: f.ram,
    vcpus: f.vcpus,
    diskGb: f.disk,
    ephemeralGb: f['OS-FLV-EXT-DATA:ephemeral'],
    swapMb: f.swap,
    rxtxFactor: f.rxtx_factor,
    isPublic: f['os-flavor-access:is_public'],
    description: f.description ?? null,
  };
}

/** PUT /flavors/{id} (2.55): the description is the only thing a flavor may change. */
export function updateFlavorInput(body: unknown): string | null {
  return parseInput(z.object({ flavor: z.object({ description: ZDescription }).strict() }).strict(), body).flavor
    .description;
}

// oslo's strict bool_from_string
const TRUE = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE = ['0', 'f', 'false', 'off', 'n', 'no'];

function parseIsPublic(v: string | undefined): boolean | null {
  if (v === undefined) return true;
  const s = v.trim().toLowerCase();
  if (s === 'none') return null;
  if (TRUE.includes(s)) return true;
  if (FALSE.includes(s)) return false;
  throw new AppError('BadRequest', `Invalid is_public filter [${v}]`);
}

function parseMin(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\s*-?\d+\s*$/.test(v)) throw new AppError('BadRequest', `Invalid ${name} filter [${v}]`);
  return Number(v);
}

/** Nova's paging: limit defaults to, and is capped at, [api] max_limit (1000). */
export const MAX_LIMIT = 1000;
export function parseLimit(v: string | undefined): number {
  if (v === undefined) return MAX_LIMIT;
  if (!/^-?\d+$/.test(v.trim())) throw new AppError('BadRequest', 'limit param must be an integer');
  const n = Number(v);
  if (n < 0) throw new AppError('BadRequest', 'limit param must be positive');
  // 0 asks for nothing, as Nova pages it
  return Math.min(MAX_LIMIT, n);
}

const lastOf = (v: unknown) => (Array.isArray(v) ? (v.at(-1) as unknown) : v);
const ZListQuery = z.object({
  is_public: z.string().optional(),
  minRam: z.string().optional(),
  minDisk: z.string().optional(),
  sort_key: z.enum(FLAVOR_SORT_KEYS).default('flavorid'),
  sort_dir: z.enum(['asc', 'desc']).default('asc'),
  limit: z.string().optional(),
  marker: z.string().optional(),
});

/** GET /flavors(/detail); from 2.75 an unknown query parameter is refused, before it is ignored. */
export function flavorListInput(query: unknown, strict: boolean): TFlavorListQuery {
  const flat = Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).map(([k, v]) => [k, lastOf(v)]),
  );
  const q = parseInput(strict ? ZListQuery.strict() : ZListQuery, flat);
  return {
    isPublic: parseIsPublic(q.is_public),
    minRamMb: parseMin('minRam', q.minRam),
    minDiskGb: parseMin('minDisk', q.minDisk),
    sortKey: q.sort_key,
    sortDir: q.sort_dir,
    limit: parseLimit(q.limit),
    marker: q.marker,
  };
}

// Nova takes numbers too and keeps them as strings
const ZSpecValue = z.union([z.string(), z.number().transform(String)]).pipe(z.string().max(255));
const ZSpecKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9-_:. ]+$/, 'may contain only letters, digits, spaces and -_:.');

/** POST /flavors/{id}/os-extra_specs: {"extra_specs": {"hw:cpu_policy": "dedicated"}}. */
export function extraSpecsInput(body: unknown): Record<string, string> {
  return parseInput(z.object({ extra_specs: z.record(ZSpecKey, ZSpecValue) }).strict(), body).extra_specs;
}

/** PUT /flavors/{id}/os-extra_specs/{key}: exactly that one key. */
export function extraSpecInput(body: unknown, key: string): string {
  const specs = parseInput(z.record(ZSpecKey, ZSpecValue), body);
  const keys = Object.keys(specs);
  if (keys.length !== 1) throw new AppError('BadRequest', 'Request body contains too many items.');
  if (keys[0] !== key) throw new AppError('BadRequest', 'Request body and URI mismatch');
  return specs[key]!;
}

const ZTenant = z.object({ tenant: z.string().min(1).max(255) }).strict();
const ZAction = z.union([
  z.object({ addTenantAccess: ZTenant }).strict(),
  z.object({ removeTenantAccess: ZTenant }).strict(),
]);

/** POST /flavors/{id}/action: addTenantAccess or removeTenantAccess. */
export function flavorActionInput(body: unknown): { action: 'add' | 'remove'; projectId: string } {
  const keys = Object.keys((body ?? {}) as object);
  if (!keys.some((k) => k === 'addTenantAccess' || k === 'removeTenantAccess'))
    throw new AppError('BadRequest', 'There is no such action: ' + (keys[0] ?? '<none>'));
  const a = parseInput(ZAction, body);
  return 'addTenantAccess' in a
    ? { action: 'add', projectId: a.addTenantAccess.tenant }
    : { action: 'remove', projectId: a.removeTenantAccess.tenant };
}
