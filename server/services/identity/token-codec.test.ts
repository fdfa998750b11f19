import { describe, expect, it } from 'vitest';
import { decodeToken, encodeToken, type SigningKeys } from './token-codec';

const keys: SigningKeys = { current: { id: 'k1', secret: 's1' }, byId: new Map([['k1', 's1'], ['k0', 's0']]) };
const payload = { u: 'user', m: ['password'], p: 'project', iat: 1_000, exp: 2_000, a: 'audit' };

describe('token codec', () => {
  it('round-trips a payload signed with the current key', () => {
    expect(decodeToken(encodeToken(payload, keys), keys)).toEqual({ ...payload, k: 'k1' });
  });

  it('refuses a token whose payload was altered', () => {
    const [v, body, sig] = encodeToken(payload, keys).split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, u: 'admin', k: 'k1' })).toString('base64url');
    expect(decodeToken(`${v}.${forged}.${sig}`, keys)).toBeNull();
    expect(decodeToken(`${v}.${body}.${sig}x`, keys)).toBeNull();
  });

  it('refuses tokens signed by an unknown key and garbage of any shape', () => {
    const other: SigningKeys = { current: { id: 'k9', secret: 'zz' }, byId: new Map([['k9', 'zz']]) };
    expect(decodeToken(encodeToken(payload, other), keys)).toBeNull();
    for (const junk of ['', 'abc', 'c1..', 'c1.e30.', 'x'.repeat(5000), 'c1.!!!.???']) expect(decodeToken(junk, keys)).toBeNull();
  });

  it('still accepts tokens signed by an older key that is kept for verification', () => {
    const old: SigningKeys = { current: { id: 'k0', secret: 's0' }, byId: new Map([['k0', 's0']]) };
    expect(decodeToken(encodeToken(payload, old), keys)?.u).toBe('user');
  });

  it('remembers verified tokens without sharing payloads, and forgets them with their key', () => {
    const ring: SigningKeys = { current: { id: 'k2', secret: 's2' }, byId: new Map([['k2', 's2']]) };
    const token = encodeToken(payload, ring);
    const first = decodeToken(token, ring)!;
    first.m.push('totp');
    first.u = 'someone-else';
    expect(decodeToken(token, ring)).toEqual({ ...payload, k: 'k2' });
    ring.byId.set('k2', 'another-secret');
    expect(decodeToken(token, ring)).toBeNull();
    ring.byId.delete('k2');
    expect(decodeToken(token, ring)).toBeNull();
  });
});
