import { describe, expect, it } from 'vitest';
import { testDatabase } from '../../../tests/helpers/db';
import { ensureDefaultFlavors } from './default-flavors';

describe('default flavors', () => {
  it("creates devstack's flavors once, and leaves an operator's changes alone", async () => {
    const { db } = await testDatabase();
    expect(await ensureDefaultFlavors(db)).toEqual([
      'm1.nano',
      'm1.micro',
      'm1.tiny',
      'm1.small',
      'm1.medium',
      'm1.large',
      'm1.xlarge',
    ]);
    const tiny = await db.flavor.findUniqueOrThrow({ where: { name: 'm1.tiny' } });
    expect(tiny).toMatchObject({ id: '1', vcpus: 1, ramMb: 512, diskGb: 1, isPublic: true, ephemeralGb: 0, swapMb: 0 });
    expect(await db.flavor.findUniqueOrThrow({ where: { id: '42' } })).toMatchObject({ name: 'm1.nano', ramMb: 128 });
    expect(await db.flavor.findUniqueOrThrow({ where: { id: '5' } })).toMatchObject({
      name: 'm1.xlarge',
      vcpus: 8,
      ramMb: 16384,
      diskGb: 160,
    });

    expect(await ensureDefaultFlavors(db)).toEqual([]);
    // deleted comes back; resized stays as the operator left it
    await db.flavor.delete({ where: { id: '84' } });
    await db.flavor.update({ where: { id: '2' }, data: { ramMb: 1024 } });
    expect(await ensureDefaultFlavors(db)).toEqual(['m1.micro']);
    expect((await db.flavor.findUniqueOrThrow({ where: { id: '2' } })).ramMb).toBe(1024);
    // concurrent starters both succeed and create each flavor once
    await db.flavor.deleteMany({});
    const [a, b] = await Promise.all([ensureDefaultFlavors(db), ensureDefaultFlavors(db)]);
    expect(a.length + b.length).toBeGreaterThanOrEqual(7);
    expect(await db.flavor.count()).toBe(7);
  });
});
