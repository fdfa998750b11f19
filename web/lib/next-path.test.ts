import { describe, expect, it } from 'vitest';
import { loginUrlFor, safeNextPath } from './next-path';

describe('safeNextPath', () => {
  it('keeps paths on this site, with their query', () => {
    expect(safeNextPath('/admin/users')).toBe('/admin/users');
    expect(safeNextPath('/admin/users?page=2#x')).toBe('/admin/users?page=2#x');
  });

  it('refuses anything that would leave the site, and login loops', () => {
    for (const bad of [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
      '',
      null,
      '/\u0009/evil',
      '/login?next=/x',
    ]) {
      expect(safeNextPath(bad), String(bad)).toBe('/');
    }
  });

  it('builds the login URL that returns to a page', () => {
    expect(loginUrlFor('/admin/users?x=1')).toBe('/login?next=%2Fadmin%2Fusers%3Fx%3D1');
    expect(loginUrlFor('/')).toBe('/login');
  });
});
