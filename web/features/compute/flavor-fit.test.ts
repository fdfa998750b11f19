import { describe, expect, it } from 'vitest';
import { flavorBlockedReason, type TFlavorRow, type TImageRow } from './flavor-fit';

const flavor = (over: Partial<TFlavorRow> = {}): TFlavorRow => ({
  id: 'f',
  name: 'm1.small',
  vcpus: 2,
  ramMb: 2048,
  diskGb: 10,
  ephemeralGb: 0,
  swapMb: 0,
  disabled: false,
  description: null,
  ...over,
});
const image = (over: Partial<TImageRow> = {}): TImageRow => ({
  id: 'i',
  name: 'img',
  size: 1024,
  diskFormat: 'qcow2',
  minDisk: 0,
  minRam: 0,
  visibility: 'public',
  ...over,
});
const usage = { instances: { limit: 10, inUse: 9 }, cores: { limit: 20, inUse: 17 }, ram: { limit: 4096, inUse: 0 } };

describe('which flavors the wizard offers', () => {
  it('allows a flavor that fits the image and the quota', () => {
    expect(flavorBlockedReason(flavor(), image(), usage, 1)).toBeNull();
  });

  it('names the image rule a flavor breaks', () => {
    expect(flavorBlockedReason(flavor(), image({ minRam: 4096 }), usage, 1)).toBe(
      'The image needs at least 4 GiB of RAM.',
    );
    expect(flavorBlockedReason(flavor(), image({ minDisk: 20 }), usage, 1)).toBe(
      'The image needs a disk of at least 20 GiB.',
    );
    expect(flavorBlockedReason(flavor({ diskGb: 1 }), image({ size: 2 * 1024 ** 3 }), usage, 1)).toMatch(
      /does not fit its 1 GiB disk/,
    );
    expect(flavorBlockedReason(flavor({ diskGb: 0 }), image({ minDisk: 20 }), usage, 1)).toBeNull();
  });

  it('names the quota a launch would exceed, counting every instance asked for', () => {
    expect(flavorBlockedReason(flavor(), image(), usage, 2)).toBe('Instance quota: 1 left, 2 asked for.');
    expect(flavorBlockedReason(flavor({ vcpus: 4 }), image(), usage, 1)).toBe('vCPU quota: 3 left, needs 4.');
    expect(flavorBlockedReason(flavor({ ramMb: 8192, vcpus: 1 }), image(), usage, 1)).toBe(
      'RAM quota: 4 GiB left, needs 8 GiB.',
    );
    expect(flavorBlockedReason(flavor(), image(), { instances: { limit: -1, inUse: 50 } }, 5)).toBeNull();
  });
});
