import { describe, expect, it } from 'vitest';
import { applyPatch } from './json-patch';

describe('JSON patch for images', () => {
  const doc = { name: 'a', tags: ['x', 'y'], hw_disk_bus: 'virtio' };

  it('adds, replaces and removes top-level members without touching the original', () => {
    const out = applyPatch(doc, [
      { op: 'replace', path: '/name', value: 'b' },
      { op: 'add', path: '/os_distro', value: 'debian' },
      { op: 'remove', path: '/hw_disk_bus' },
    ]);
    expect(out).toEqual({ name: 'b', tags: ['x', 'y'], os_distro: 'debian' });
    expect(doc.hw_disk_bus).toBe('virtio');
  });

  it('edits tag lists element-wise, as openstacksdk sends them', () => {
    expect(applyPatch(doc, [{ op: 'add', path: '/tags/2', value: 'z' }]).tags).toEqual(['x', 'y', 'z']);
    expect(applyPatch(doc, [{ op: 'add', path: '/tags/-', value: 'z' }]).tags).toEqual(['x', 'y', 'z']);
    expect(applyPatch(doc, [{ op: 'remove', path: '/tags/0' }]).tags).toEqual(['y']);
    expect(applyPatch(doc, [{ op: 'replace', path: '/tags/1', value: 'w' }]).tags).toEqual(['x', 'w']);
  });

  it('unescapes ~1 and ~0 in member names', () => {
    expect(applyPatch({}, [{ op: 'add', path: '/a~1b~0c', value: 'v' }])).toEqual({ 'a/b~c': 'v' });
  });

  it('refuses unknown ops, bad pointers and bad indexes with 400, and a missing member with 409', () => {
    expect(() => applyPatch(doc, [{ op: 'move', path: '/name', from: '/x' }])).toThrow(/Invalid operation/);
    expect(() => applyPatch(doc, [{ op: 'add', path: 'name', value: 1 }])).toThrow(/JSON pointer/);
    expect(() => applyPatch(doc, [{ op: 'remove', path: '/tags/7' }])).toThrow(/array index/);
    expect(() => applyPatch(doc, { op: 'add' })).toThrow(/JSON array/);
    expect(() => applyPatch(doc, [{ op: 'remove', path: '/nope' }])).toThrow(
      expect.objectContaining({ code: 'Conflict' }),
    );
  });
});
