import { describe, expect, it } from 'vitest';
import { clearedSessionCookie, readSessionCookie, sessionCookie } from './session-cookie';

describe('session cookie', () => {
  it('reads the session token among other cookies', () => {
    expect(readSessionCookie('a=1; cumulo_session=tok%2Fen; b=2')).toBe('tok/en');
    expect(readSessionCookie('cumulo_session_x=1; x=cumulo_session')).toBeUndefined();
    expect(readSessionCookie(undefined)).toBeUndefined();
    expect(readSessionCookie('cumulo_session=')).toBeUndefined();
  });

  it('is httpOnly, SameSite and lives as long as the token', () => {
    const c = sessionCookie('abc', new Date(Date.now() + 3600_500), { secure: false });
    expect(c).toBe('cumulo_session=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax');
    expect(sessionCookie('abc', new Date(Date.now() - 1000), { secure: true })).toContain(
      'Max-Age=0; HttpOnly; SameSite=Lax; Secure',
    );
    expect(clearedSessionCookie({ secure: false })).toBe('cumulo_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
  });
});
