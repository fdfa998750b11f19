import { describe, expect, it } from 'vitest';
import { flavorBlockedReason, resizeBlockedReason, type TFlavorRow, type TImageRow } from './flavor-fit';

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

describe('resizeBlockedReason', () => {
  const current = { id: 'small', vcpus: 2, ram: 2048, disk: 10 };
  const usage = { cores: { limit: 4, inUse: 2 }, ram: { limit: 8192, inUse: 2048 } } as never;

  it('refuses the current flavor and a smaller disk, as the service does', () => {
    expect(resizeBlockedReason(flavor({ id: 'small' }), current, undefined, usage)).toBe('The current flavor.');
    expect(resizeBlockedReason(flavor({ id: 'tiny', diskGb: 5 }), current, undefined, usage)).toBe(
      "Its 5 GiB disk is smaller than the instance's 10 GiB.",
    );
  });

  it('counts only what the new size adds against the quota', () => {
    expect(resizeBlockedReason(flavor({ id: 'med', vcpus: 4, diskGb: 20 }), current, undefined, usage)).toBeNull();
    expect(resizeBlockedReason(flavor({ id: 'big', vcpus: 8, diskGb: 20 }), current, undefined, usage)).toBe(
      'vCPU quota: 2 left, needs 6 more.',
    );
  });

  it("keeps the image's minimums", () => {
    expect(
      resizeBlockedReason(flavor({ id: 'med', ramMb: 1024, diskGb: 20 }), current, image({ minRam: 2048 }), usage),
    ).toMatch(/needs at least/);
  });
});
