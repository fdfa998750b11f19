/**
 * Where to go after signing in: the `next` parameter when it is a path on this site, else the overview.
 * Anything else (`//evil.example`, `https://…`, `/\evil`) would make the login page an open redirect.
 */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f]/.test(raw)) return '/';
  if (raw === '/login' || raw.startsWith('/login?')) return '/';
  return raw;
}

/** The login URL that brings the user back to `path` afterwards. */
export const loginUrlFor = (path: string) => (path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`);
