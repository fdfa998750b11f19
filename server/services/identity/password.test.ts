import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse', 1024);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsf', hash)).toBe(false);
  });

  it('salts every hash, and refuses stored values it does not understand', async () => {
    expect(await hashPassword('x', 1024)).not.toBe(await hashPassword('x', 1024));
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });
});
