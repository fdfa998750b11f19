import { z } from 'zod';
import type { TCreateKeyPair, TKeyPairListQuery } from '../../../../services/compute/keypair.dto';
import { ZKeyPairName } from '../../../../services/compute/keypair.dto';
import { parseInput } from '../../validate';
import { parseLimit } from './flavors.schemas';

/** Request bodies and queries of /os-keypairs per microversion (nova/api/openstack/compute/schemas/keypairs.py). */

const ZBase = z.object({ name: ZKeyPairName, public_key: z.string().max(16384).optional() });
const ZWithType = ZBase.extend({ type: z.enum(['ssh', 'x509']).optional() });
const ZWithUser = ZWithType.extend({ user_id: z.string().min(1).max(255).optional() });

/** POST /os-keypairs: `type` from 2.2, `user_id` (an admin's choice of owner) from 2.10. */
export function createKeyPairInput(body: unknown, version: { type: boolean; userId: boolean }): TCreateKeyPair {
  const inner = version.userId ? ZWithUser : version.type ? ZWithType : ZBase;
  const { keypair: k } = parseInput(z.object({ keypair: inner.strict() }).strict(), body) as {
    keypair: z.infer<typeof ZWithUser>;
  };
  return { name: k.name, publicKey: k.public_key, type: k.type, userId: k.user_id };
}

const lastOf = (v: unknown) => (Array.isArray(v) ? (v.at(-1) as unknown) : v);
const flat = (query: unknown) =>
  Object.fromEntries(Object.entries((query ?? {}) as Record<string, unknown>).map(([k, v]) => [k, lastOf(v)]));

/** GET /os-keypairs: `user_id` from 2.10, `limit` and `marker` from 2.35; unknown parameters refused from 2.75. */
export function keyPairListInput(
  query: unknown,
  v: { userId: boolean; paging: boolean; strict: boolean },
): TKeyPairListQuery {
  const schema = z.object({
    user_id: z.string().optional(),
    limit: z.string().optional(),
    marker: z.string().optional(),
  });
  const q = parseInput(v.strict ? schema.strict() : schema, flat(query));
  return {
    userId: v.userId ? q.user_id : undefined,
    ...(v.paging && { limit: parseLimit(q.limit), marker: q.marker }),
  };
}

/** GET/DELETE /os-keypairs/{name}: `user_id` from 2.10; unknown parameters refused from 2.75. */
export function keyPairUserInput(query: unknown, withUser: boolean, strict: boolean): string | undefined {
  const schema = z.object({ user_id: z.string().optional() });
  const q = parseInput(strict ? schema.strict() : schema, flat(query));
  return withUser ? q.user_id : undefined;
}
