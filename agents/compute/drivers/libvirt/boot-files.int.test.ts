import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { onFileEnd } from '../../../../tests/helpers/file-cleanup';
import { ImageCache } from '../../image-cache';
import { sweepImageCache } from '../../image-cache-sweep';
import { LibvirtDriver } from '../libvirt.driver';
import { qcow2BackingFile } from './boot-files';

// real qcow2 overlays made by qemu-img, as the qemu host makes instance root disks
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-boot-files-'));
onFileEnd(() => fs.rmSync(root, { recursive: true, force: true }));

const qemuImg = (...args: string[]) => execFileSync('qemu-img', args, { stdio: 'pipe' });
const libvirtAnswers = spawnSync('virsh', ['-c', 'qemu:///system', 'version'], { stdio: 'ignore' }).status === 0;
if (!libvirtAnswers) console.warn('boot files on qemu:///system: skipped, libvirtd is not answering');

describe('qcow2 backing files', () => {
  it('reads the backing file an overlay names (absolute, or relative to the overlay), and none elsewhere', async () => {
    const base = path.join(root, 'base.raw');
    qemuImg('create', '-q', '-f', 'raw', base, '1M');
    const absolute = path.join(root, 'absolute.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', base, absolute);
    fs.mkdirSync(path.join(root, 'sub'));
    const relative = path.join(root, 'sub', 'relative.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', '../base.raw', relative);
    const standalone = path.join(root, 'standalone.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', standalone, '1M');
    const placeholder = path.join(root, 'placeholder');
    fs.writeFileSync(placeholder, '');

    expect(await qcow2BackingFile(absolute)).toBe(base);
    expect(await qcow2BackingFile(relative)).toBe(base);
    expect(await qcow2BackingFile(standalone)).toBeUndefined();
    expect(await qcow2BackingFile(base)).toBeUndefined();
    expect(await qcow2BackingFile(placeholder)).toBeUndefined();
    expect(await qcow2BackingFile(path.join(root, 'missing.qcow2'))).toBeUndefined();
  });
});

describe.skipIf(!libvirtAnswers)('image files in use on qemu:///system', () => {
  it('keeps the base of an overlay an earlier agent made before instances recorded their boot files', async () => {
    const stateDir = path.join(root, 'qemu-host');
    const driver = new LibvirtDriver({ instancesDir: path.join(stateDir, 'instances'), accel: 'tcg' });
    onFileEnd(() => driver.close());
    const images = new ImageCache(path.join(stateDir, '_base'));
    fs.mkdirSync(images.dir, { recursive: true });
    const baseId = crypto.randomUUID();
    const unusedId = crypto.randomUUID();
    for (const id of [baseId, unusedId]) qemuImg('create', '-q', '-f', 'raw', images.fileOf(id), '1M');
    // the instance directory as an agent before boot-files.json left it: just the overlay (and its console log)
    const dir = path.join(stateDir, 'instances', crypto.randomUUID());
    fs.mkdirSync(dir, { recursive: true });
    qemuImg('create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', images.fileOf(baseId), path.join(dir, 'disk'));

    expect(await driver.imageFilesInUse()).toEqual([images.fileOf(baseId)]);
    const r = await sweepImageCache(images, driver, { minAgeMs: 0, maxBytes: 0 }, pino({ level: 'silent' }));
    expect(r.evicted.map((e) => e.imageId)).toEqual([unusedId]);
    expect(fs.existsSync(images.fileOf(baseId))).toBe(true);
    // and qemu can still open the overlay with its whole backing chain (it cannot once the base is gone)
    expect(() => qemuImg('info', '--backing-chain', '-U', path.join(dir, 'disk'))).not.toThrow();
  });
});
