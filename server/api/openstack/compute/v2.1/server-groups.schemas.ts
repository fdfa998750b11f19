import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import type { TCreateServerGroup, TServerGroupListQuery } from '../../../../services/compute/server-group.dto';
import { parseInput } from '../../validate';
import { parseLimit } from './flavors.schemas';

/** Request bodies and queries of /os-server-groups per microversion (nova/api/openstack/compute/schemas/server_groups.py). */

const ZName = z.string();
const HARD = ['affinity', 'anti-affinity'] as const;
const ALL = ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'] as const;
const policiesOf = (allowed: readonly [string, ...string[]]) =>
  z.array(z.enum(allowed as [string, ...string[]])).length(1, 'must list exactly one policy');
// Nova's positive_integer: a JSON integer or a string of digits, at least 1
const ZPositive = z
  .union([
    z.number().int(),
    z
      .string()
      .regex(/^[0-9]+$/, 'must be an integer')
      .transform(Number),
  ])
  .pipe(z.number().int().min(1, 'must be at least 1'));

/** POST /os-server-groups: `policies: [one]` before 2.64 (soft ones from 2.15), then `policy` and `rules`. */
export function createServerGroupInput(body: unknown, v: { soft: boolean; policyObject: boolean }): TCreateServerGroup {
  if (v.policyObject) {
    const inner = z
      .object({
        name: ZName,
        policy: z.enum(ALL),
        rules: z.object({ max_server_per_host: ZPositive.optional() }).strict().optional(),
      })
      .strict();
    const g = parseInput(z.object({ server_group: inner }).strict(), body).server_group;
    return { name: g.name, policy: g.policy, rules: g.rules ?? {} };
  }
  const inner = z.object({ name: ZName, policies: policiesOf(v.soft ? ALL : HARD) }).strict();
  const g = parseInput(z.object({ server_group: inner }).strict(), body).server_group;
  return { name: g.name, policy: g.policies[0] as TCreateServerGroup['policy'] };
}

const lastOf = (v: unknown) => (Array.isArray(v) ? (v.at(-1) as unknown) : v);
const flat = (query: unknown) =>
  Object.fromEntries(Object.entries((query ?? {}) as Record<string, unknown>).map(([k, v]) => [k, lastOf(v)]));

function parseOffset(v: string | undefined): number {
  if (v === undefined) return 0;
  if (!/^-?\d+$/.test(v.trim())) throw new AppError('BadRequest', 'offset param must be an integer');
  const n = Number(v);
  if (n < 0) throw new AppError('BadRequest', 'offset param must be positive');
  return n;
}

/** GET /os-server-groups: all_projects (admins), limit, offset; unknown parameters refused from 2.75. */
export function serverGroupListInput(query: unknown, strict: boolean): TServerGroupListQuery {
  const schema = z.object({
    all_projects: z.string().optional(),
    limit: z.string().optional(),
    offset: z.string().optional(),
  });
  const q = parseInput(strict ? schema.strict() : schema, flat(query));
  // Nova looks only at whether the parameter is there, whatever its value
  return { allProjects: q.all_projects !== undefined, limit: parseLimit(q.limit), offset: parseOffset(q.offset) };
}
