/**
 * The dashboard's session: an identity token in an httpOnly cookie. The token itself is the session (no server-side
 * session table), so revoking the token or letting it expire ends the session everywhere: tRPC, socket.io, REST.
 * Shared by the tRPC and socket.io adapters; pure string handling, no I/O.
 */
export const SESSION_COOKIE = 'cumulo_session';

/**
 * Every tRPC mutation must carry this header (value `1`). Browsers only let same-origin script set it: a cross-site
 * form or fetch would need a CORS preflight that is never granted, so a forged request is refused.
 */
export const CSRF_HEADER = 'x-cumulo-csrf';

/** The session token in a Cookie header, if any. */
export function readSessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return value ? decodeURIComponent(value) : undefined;
  }
  return undefined;
}

/**
 * Set-Cookie for a token valid until `expiresAt`. httpOnly keeps it from scripts; SameSite=Lax keeps other sites'
 * forms and fetches from carrying it (mutations additionally require a custom header, see server/trpc/trpc.ts).
 */
export function sessionCookie(token: string, expiresAt: Date, opts: { secure: boolean }): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return serialize(encodeURIComponent(token), maxAge, opts.secure);
}

/** Set-Cookie that removes the session cookie. */
export const clearedSessionCookie = (opts: { secure: boolean }) => serialize('', 0, opts.secure);

const serialize = (value: string, maxAge: number, secure: boolean) =>
  `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
