import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onFileEnd } from '../../../tests/helpers/file-cleanup';
import { testDatabase } from '../../../tests/helpers/db';
import { loadConfig } from '../../config/env';
import type { Db } from '../../db/client';
import type { AuthContext } from '../../policy/auth-context';
import { bootstrapIdentity } from '../identity/bootstrap';
import { adminContext, buildTinyImage, ensureDefaultImage, startDefaultImage } from './default-image';
import { createImages, type Images } from './image.module';

/** Shared with tests/vm/tiny-image-boot.vm.test.ts: the build script caches (and locks) it, so a run builds once. */
const CACHE = path.join(os.tmpdir(), 'cumulo-tiny-image-cache');

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function downloadSha256(images: Images, ctx: AuthContext, id: string): Promise<string> {
  const dl = await images.data.download(ctx, id);
  const hash = createHash('sha256');
  for await (const chunk of await dl!.open()) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('default image tiny', () => {
  let db: Db;
  let url: string;
  let images: Images;
  let ctx: AuthContext;
  let stateDir: string;

  beforeAll(async () => {
    ({ db, url } = await testDatabase());
    await bootstrapIdentity(db, { adminPassword: 'secret', hashCost: 1024 });
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-default-image-'));
    onFileEnd(() => fs.rmSync(stateDir, { recursive: true, force: true }));
    images = createImages(db, loadConfig({ STATE_DIR: stateDir, NODE_ENV: 'test' }));
    ctx = await adminContext(db);
    await buildTinyImage(CACHE, 180_000); // cached after the first run
  }, 200_000);

  it('registers public tiny-kernel (aki), tiny-ramdisk (ari), tiny (ami, linked by kernel_id/ramdisk_id) and tiny-disk (qcow2)', async () => {
    const r = await ensureDefaultImage(images, { ctx, cacheDir: CACHE });
    expect(r.created).toBe(true);
    expect(r.kernel).toMatchObject({
      name: 'tiny-kernel',
      diskFormat: 'aki',
      containerFormat: 'aki',
      visibility: 'public',
      status: 'active',
      ownerId: ctx.projectId,
    });
    expect(r.ramdisk).toMatchObject({
      name: 'tiny-ramdisk',
      diskFormat: 'ari',
      containerFormat: 'ari',
      visibility: 'public',
      status: 'active',
    });
    expect(r.image).toMatchObject({
      name: 'tiny',
      diskFormat: 'ami',
      containerFormat: 'ami',
      visibility: 'public',
      status: 'active',
    });
    expect(r.image.properties).toMatchObject({
      kernel_id: r.kernel.id,
      ramdisk_id: r.ramdisk.id,
      os_command_line: 'console=ttyS0',
    });

    // the stored data is exactly what the script built, as its manifest says
    const manifest = JSON.parse(fs.readFileSync(path.join(CACHE, 'tiny.json'), 'utf8')) as {
      files: Record<string, { sha256: string }>;
    };
    const kernelSha = sha256(fs.readFileSync(path.join(CACHE, 'tiny-vmlinuz')));
    const ramdiskSha = sha256(fs.readFileSync(path.join(CACHE, 'tiny-initrd.img')));
    expect(manifest.files['tiny-vmlinuz']!.sha256).toBe(kernelSha);
    expect(manifest.files['tiny-initrd.img']!.sha256).toBe(ramdiskSha);
    expect(await downloadSha256(images, ctx, r.kernel.id)).toBe(kernelSha);
    expect(await downloadSha256(images, ctx, r.ramdisk.id)).toBe(ramdiskSha);

    // the bootable disk variant (the script makes it when syslinux & co. are there, which it installs as root)
    if (manifest.files['tiny.qcow2']) {
      expect(r.disk).toMatchObject({
        name: 'tiny-disk',
        diskFormat: 'qcow2',
        containerFormat: 'bare',
        visibility: 'public',
        status: 'active',
      });
      expect(r.disk!.virtualSize).toBe(32 * 1024 * 1024);
      expect(await downloadSha256(images, ctx, r.disk!.id)).toBe(manifest.files['tiny.qcow2'].sha256);
    } else {
      expect(r.disk).toBeNull();
    }
  }, 60_000);

  it('creates nothing the second time, nor from startDefaultImage at the next start', async () => {
    const count = async () =>
      (await images.images.list(ctx, { filter: { visibility: 'all' }, sort: [], limit: 100 })).length;
    const before = await count();
    // with all four there it does not even build; without a disk variant it rebuilds (from the cache) and reuses
    const build = (await images.images.list(ctx, { filter: { name: 'tiny-disk' }, sort: [], limit: 1 })).length
      ? () => Promise.reject(new Error('must not build'))
      : () => buildTinyImage(CACHE);
    const again = await ensureDefaultImage(images, { ctx, cacheDir: CACHE, build });
    expect(again.created).toBe(false);
    const config = loadConfig({ STATE_DIR: stateDir, NODE_ENV: 'test', DEFAULT_IMAGE: 'tiny' });
    const started = startDefaultImage(config, url);
    await started.done;
    await started.close();
    expect(await count()).toBe(before);
  }, 60_000);

  it('a build with new content registers new images and hides the old ones', async () => {
    const before = await ensureDefaultImage(images, { ctx, cacheDir: CACHE, build: () => Promise.resolve() });
    // another build: same kernel, different ramdisk bytes (as after a script change)
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-default-image-rebuilt-'));
    onFileEnd(() => fs.rmSync(other, { recursive: true, force: true }));
    for (const f of ['tiny-vmlinuz', 'tiny-initrd.img', 'tiny.json'])
      fs.copyFileSync(path.join(CACHE, f), path.join(other, f));
    fs.appendFileSync(path.join(other, 'tiny-initrd.img'), Buffer.alloc(512));
    // nothing missing: nothing changes
    expect((await ensureDefaultImage(images, { ctx, cacheDir: other, build: () => Promise.resolve() })).created).toBe(
      false,
    );
    // `tiny` deleted by the operator: registered again from the new build, the old ramdisk hidden, the kernel kept
    await images.images.delete(ctx, before.image.id);
    const after = await ensureDefaultImage(images, { ctx, cacheDir: other, build: () => Promise.resolve() });
    expect(after.created).toBe(true);
    expect(after.kernel.id).toBe(before.kernel.id);
    expect(after.ramdisk.id).not.toBe(before.ramdisk.id);
    expect(after.image.properties.ramdisk_id).toBe(after.ramdisk.id);
    expect((await images.images.get(ctx, before.ramdisk.id)).osHidden).toBe(true);
    const listed = await images.images.list(ctx, { filter: { name: 'tiny-ramdisk' }, sort: [], limit: 10 });
    expect(listed.map((i) => i.id)).toEqual([after.ramdisk.id]);
  }, 60_000);

  it('is off by default under NODE_ENV=test', async () => {
    const started = startDefaultImage(
      loadConfig({ STATE_DIR: stateDir, NODE_ENV: 'test' }),
      'postgresql://nowhere.invalid/x',
    );
    await started.close(); // no database connection was even made
  });

  it('a failed build creates nothing', async () => {
    const other = await testDatabase();
    await bootstrapIdentity(other.db, { adminPassword: 'secret', hashCost: 1024 });
    const otherImages = createImages(other.db, loadConfig({ STATE_DIR: stateDir, NODE_ENV: 'test' }));
    const otherCtx = await adminContext(other.db);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-default-image-empty-'));
    onFileEnd(() => fs.rmSync(empty, { recursive: true, force: true }));
    await expect(
      ensureDefaultImage(otherImages, {
        ctx: otherCtx,
        cacheDir: empty,
        build: () => Promise.reject(new Error('no kernel')),
      }),
    ).rejects.toThrow('no kernel');
    expect(await otherImages.images.list(otherCtx, { filter: { visibility: 'all' }, sort: [], limit: 100 })).toEqual(
      [],
    );
  });
});
