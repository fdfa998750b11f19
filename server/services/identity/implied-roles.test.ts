import { describe, expect, it } from 'vitest';
import { withImpliedRoles } from './implied-roles';

const roles = ['admin', 'member', 'reader', 'custom'].map((name) => ({ id: `id-${name}`, name }));
const byName = (n: string) => roles.find((r) => r.name === n);

describe('implied roles', () => {
  it('admin brings member and reader, member brings reader, others bring nothing', () => {
    expect(withImpliedRoles([byName('admin')!], byName).map((r) => r.name).sort()).toEqual(['admin', 'member', 'reader']);
    expect(withImpliedRoles([byName('member')!], byName).map((r) => r.name).sort()).toEqual(['member', 'reader']);
    expect(withImpliedRoles([byName('custom')!], byName).map((r) => r.name)).toEqual(['custom']);
  });

  it('lists each role once when several imply the same one', () => {
    expect(withImpliedRoles([byName('admin')!, byName('member')!, byName('reader')!], byName)).toHaveLength(3);
  });
});
