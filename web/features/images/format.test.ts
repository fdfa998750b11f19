import { describe, expect, it } from 'vitest';
import { formatBytes, parseProperties, propertiesText, visibilityOptions } from './format';

describe('image page helpers', () => {
  it('formats sizes', () => {
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3 * 1024 * 1024 + 10)).toBe('3.0 MiB');
  });

  it('reads key=value lines and says which line is wrong', () => {
    expect(parseProperties(' os_distro = cirros \n\nhw_disk_bus=virtio=x\n')).toEqual({
      properties: { os_distro: 'cirros', hw_disk_bus: 'virtio=x' },
    });
    expect(parseProperties('a=1\nnope')).toEqual({ error: 'Line 2 is not key=value.' });
    expect(parseProperties(propertiesText({ a: '1', b: '' }))).toEqual({ properties: { a: '1', b: '' } });
  });

  it('offers public visibility to admins only', () => {
    expect(visibilityOptions(false).map((o) => o.value)).toEqual(['private', 'shared', 'community']);
    expect(visibilityOptions(true).map((o) => o.value)).toContain('public');
  });
});
