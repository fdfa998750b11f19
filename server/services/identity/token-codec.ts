import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Tokens are self-contained and signed (as Keystone's fernet tokens are): validating one needs no database
 * round trip for the token itself, only the revocation list and the scope's roles, both cached.
 * Format: `c1.<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`; the payload names the signing key.
 */
export const ZTokenPayload = z.object({
  /** signing key id */
  k: z.string(),
  /** user id */
  u: z.string(),
  /** authentication methods, e.g. ["password"] */
  m: z.array(z.string()),
  /** scope: project id, or domain id, or neither (unscoped) */
  p: z.string().optional(),
  d: z.string().optional(),
  /** issued at / expires at, milliseconds since the epoch (revocation compares them exactly) */
  iat: z.number(),
  exp: z.number(),
  /** audit id of this token, and of the token it was rescoped from (Keystone's audit_ids chain) */
  a: z.string(),
  pa: z.string().optional(),
  /** application credential the token was issued from */
  ac: z.string().optional(),
});
export type TTokenPayload = z.infer<typeof ZTokenPayload>;

export type SigningKeys = { current: { id: string; secret: string }; byId: Map<string, string> };

const mac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();

export function encodeToken(payload: Omit<TTokenPayload, 'k'>, keys: SigningKeys): string {
  const body = Buffer.from(JSON.stringify({ ...payload, k: keys.current.id })).toString('base64url');
  const data = `c1.${body}`;
  return `${data}.${mac(keys.current.secret, data).toString('base64url')}`;
}

/**
 * Tokens whose signature was already checked, by their exact text, per key set: every API call validates its
 * X-Auth-Token (GET /auth/tokens a second, often the same, one), and a lookup here replaces base64, JSON, schema and
 * HMAC work. An entry counts only while its signing key is still known with the same secret; bounded like the
 * scope cache (cleared when full).
 */
const verified = new WeakMap<SigningKeys, Map<string, { payload: TTokenPayload; secret: string }>>();
const VERIFIED_MAX = 10_000;
/** A fresh copy for each caller, as a fresh decode gave: nobody shares a payload (or its methods array). */
const copyOf = (p: TTokenPayload): TTokenPayload => ({ ...p, m: [...p.m] });

/** Returns the payload of a well-formed token with a valid signature, else null. Expiry is the caller's check. */
export function decodeToken(token: string, keys: SigningKeys): TTokenPayload | null {
  if (token.length > 2048) return null;
  const seen = verified.get(keys)?.get(token);
  if (seen && keys.byId.get(seen.payload.k) === seen.secret) return copyOf(seen.payload);
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== 'c1') return null;
  let payload: TTokenPayload;
  try {
    const parsed = ZTokenPayload.safeParse(JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')));
    if (!parsed.success) return null;
    payload = parsed.data;
  } catch {
    return null;
  }
  const secret = keys.byId.get(payload.k);
  if (!secret) return null;
  const expected = mac(secret, `c1.${parts[1]}`);
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let cache = verified.get(keys);
  if (!cache) verified.set(keys, (cache = new Map()));
  if (cache.size >= VERIFIED_MAX) cache.clear();
  cache.set(token, { payload: copyOf(payload), secret });
  return payload;
}
