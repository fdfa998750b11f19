import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { onFileEnd } from '../../tests/helpers/file-cleanup';
import { type BootSource, type DomainSpec } from './driver';
import { LibvirtDriver } from './drivers/libvirt.driver';
import { ImageCache } from './image-cache';
import { sweepImageCache } from './image-cache-sweep';

// real files in a real cache directory and real instances on libvirt's test hypervisor; only the clock of each file
// (its mtime, which fetch touches on every use) is set, so "older than the minimum age" needs no waiting
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-cache-sweep-'));
onFileEnd(() => fs.rmSync(root, { recursive: true, force: true }));

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function host(name: string) {
  const stateDir = path.join(root, name);
  const driver = new LibvirtDriver({ uri: 'test', hostName: name, vcpus: 8, memoryMb: 16_384, diskGb: 200, stateDir });
  onFileEnd(() => driver.close());
  const images = new ImageCache(path.join(stateDir, '_base'));
  fs.mkdirSync(images.dir, { recursive: true });
  const lines: { msg: string; reason?: string; imageId?: string }[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        done();
      },
    }),
  );
  /** An image as an earlier download left it: `bytes` long, last used `ageMs` ago. */
  const cached = (ageMs: number, bytes = 1024) => {
    const id = crypto.randomUUID();
    const file = images.fileOf(id);
    fs.writeFileSync(file, crypto.randomBytes(bytes), { mode: 0o444 });
    age(file, ageMs);
    return { id, file };
  };
  const sweep = (minAgeMs: number, maxBytes?: number) =>
    sweepImageCache(images, driver, { minAgeMs, ...(maxBytes !== undefined && { maxBytes }) }, log);
  return { driver, images, lines, cached, sweep };
}

const age = (file: string, ageMs: number) => {
  const t = new Date(Date.now() - ageMs);
  fs.utimesSync(file, t, t);
};

const spec = (boot: BootSource): DomainSpec => ({
  instanceId: crypto.randomUUID(),
  displayName: 'cache',
  vcpus: 1,
  memoryMb: 256,
  rootGb: 1,
  ephemeralGb: 0,
  swapMb: 0,
  boot,
});

const disk = (file: string): BootSource => ({ kind: 'disk', basePath: file, baseFormat: 'raw' });
const exists = (file: string) => fs.existsSync(file);

describe('image cache sweep', () => {
  it('keeps every base a running, stopped or suspended instance uses, however old, and removes unused ones past the minimum age', async () => {
    const h = host('keep');
    const running = h.cached(30 * DAY);
    const stopped = h.cached(30 * DAY);
    const kernel = h.cached(30 * DAY);
    const ramdisk = h.cached(30 * DAY);
    const rebuiltFrom = h.cached(30 * DAY);
    const rebuiltTo = h.cached(30 * DAY);
    const oldUnused = h.cached(2 * DAY);
    const youngUnused = h.cached(HOUR);
    const oldPart = path.join(h.images.dir, `.${crypto.randomUUID()}.1.1.part`);
    const youngPart = path.join(h.images.dir, `.${crypto.randomUUID()}.2.2.part`);
    fs.writeFileSync(oldPart, 'half a download');
    age(oldPart, 2 * DAY);
    fs.writeFileSync(youngPart, 'another half');

    await h.driver.spawn(spec(disk(running.file)));
    const off = spec(disk(stopped.file));
    await h.driver.spawn(off);
    await h.driver.powerOff(off.instanceId, { clean: false });
    const saved = spec({
      kind: 'kernel',
      kernelPath: kernel.file,
      ramdiskPath: ramdisk.file,
      cmdline: 'console=ttyS0',
    });
    await h.driver.spawn(saved);
    await h.driver.suspend(saved.instanceId);
    // a rebuild onto another image lets go of the first one
    const rebuilt = spec(disk(rebuiltFrom.file));
    await h.driver.spawn(rebuilt);
    await h.driver.rebuild({ ...rebuilt, boot: disk(rebuiltTo.file) });

    const first = await h.sweep(DAY);
    expect(first.evicted.map((e) => [e.file, e.reason]).sort()).toEqual(
      [
        [oldUnused.file, 'age'],
        [oldPart, 'age'],
        [rebuiltFrom.file, 'age'],
      ].sort(),
    );
    expect(exists(oldUnused.file)).toBe(false);
    expect(exists(oldPart)).toBe(false);
    expect(exists(youngUnused.file)).toBe(true);
    expect(exists(youngPart)).toBe(true);
    expect(h.lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^evicted image ${oldUnused.id} from the cache: no instance here uses it and no boot has fetched it for 17\\d{4} s$`,
          ),
        ),
        expect.stringMatching(/^removed \..*\.part, a download that did not finish 17\d{4} s ago$/),
      ]),
    );

    // the harshest sweep there is: no minimum age and no room at all
    const harsh = await h.sweep(0, 0);
    expect(harsh.evicted.map((e) => e.file).sort()).toEqual([youngUnused.file, youngPart].sort());
    for (const f of [running, stopped, kernel, ramdisk, rebuiltTo]) expect(exists(f.file)).toBe(true);
    expect(harsh.inUse.sort()).toEqual([running.id, stopped.id, kernel.id, ramdisk.id, rebuiltTo.id].sort());
    expect(fs.readdirSync(h.images.dir).sort()).toEqual(
      [running.id, stopped.id, kernel.id, ramdisk.id, rebuiltTo.id].sort(),
    );

    // once the instances are gone, so are their bases
    for (const d of await h.driver.listDomains()) await h.driver.destroy(d.instanceId);
    const after = await h.sweep(DAY);
    expect(after.evicted).toHaveLength(5);
    expect(fs.readdirSync(h.images.dir)).toEqual([]);
  });

  it('over the size cap removes the least recently used unused bases until under it, never one in use', async () => {
    const h = host('cap');
    const inUse = h.cached(10 * HOUR, 10_000); // the least recently used of all, and the biggest
    const oldest = h.cached(3 * HOUR, 1000);
    const middle = h.cached(2 * HOUR, 1000);
    const newest = h.cached(1 * HOUR, 1000);
    await h.driver.spawn(spec(disk(inUse.file)));

    // 13,000 bytes, cap 11,500: the oldest two unused go (12,000 is still over), the newest stays
    const r = await h.sweep(DAY, 11_500);
    expect(r.evicted.map((e) => [e.imageId, e.reason])).toEqual([
      [oldest.id, 'size'],
      [middle.id, 'size'],
    ]);
    expect(r.bytes).toBe(11_000);
    expect(exists(newest.file)).toBe(true);
    expect(h.lines.find((l) => l.imageId === oldest.id)?.msg).toBe(
      `evicted image ${oldest.id} from the cache: the cache held 13000 bytes, over its cap of 11500, and it was the least recently used`,
    );

    // a cap the used base alone exceeds: everything unused goes, the used one stays, and the log says why
    const tight = await h.sweep(DAY, 5000);
    expect(tight.evicted.map((e) => e.imageId)).toEqual([newest.id]);
    expect(exists(inUse.file)).toBe(true);
    expect(h.lines.at(-1)?.msg).toBe('the image cache stays over its size cap: what is left is in use');
  });

  it('keeps a base a boot holds between fetch and define, and one a boot held while the sweep was looking', async () => {
    const h = host('race');
    const fetching = h.cached(2 * DAY);
    const justBooted = h.cached(2 * DAY);
    const unused = h.cached(2 * DAY);
    let release!: () => void;
    const boot = h.images.using([fetching.id], () => new Promise<void>((r) => (release = r)));
    // a boot that fetched and finished while the sweep read the instances: it used the base after the sweep's mark
    const racing = {
      imageFilesInUse: async () => {
        await h.images.using([justBooted.id], async () => undefined);
        return h.driver.imageFilesInUse();
      },
    };
    const r = await sweepImageCache(h.images, racing, { minAgeMs: 0, maxBytes: 0 }, pino({ level: 'silent' }));
    expect(r.evicted.map((e) => e.imageId)).toEqual([unused.id]);
    expect(exists(fetching.file)).toBe(true);
    expect(exists(justBooted.file)).toBe(true);
    release();
    await boot;

    // once nothing holds them and no instance uses them, the next sweep takes them
    const next = await h.sweep(0);
    expect(next.evicted.map((e) => e.imageId).sort()).toEqual([fetching.id, justBooted.id].sort());
  });

  it('refuses to sweep when an instance record of its boot files cannot be read, removing nothing', async () => {
    const h = host('garbled');
    const base = h.cached(2 * DAY);
    const s = spec(disk(base.file));
    await h.driver.spawn(s);
    const record = path.join(root, 'garbled', 'instances', s.instanceId, 'boot-files.json');
    fs.writeFileSync(record, '{"files": [');
    const unused = h.cached(2 * DAY);
    await expect(h.sweep(0, 0)).rejects.toThrow(
      `the boot file record ${record} is not readable JSON {"files": [paths]}`,
    );
    expect(exists(base.file)).toBe(true);
    expect(exists(unused.file)).toBe(true);
  });
});
