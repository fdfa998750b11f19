import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TImageRef } from '../../server/rpc/contracts/compute/instance-spec';

/** One file in the cache: a verified image, or the `.part` a download is (or was, before it failed) writing. */
export type CacheEntry = {
  name: string;
  file: string;
  /** The image id; null for a `.part` file. */
  imageId: string | null;
  bytes: number;
  /** When an instance last used it (fetch touches the file), in ms since the epoch. */
  lastUsedMs: number;
};

/** A point in the cache's history of holds: what `remove` compares against. */
export type HoldMark = number;

/**
 * The host's image cache (Nova's `_base`): each image is downloaded once per host from the image API, verified
 * against the hash the message carried (sha512, else md5), and kept read-only under `<dir>/<imageId>` for every
 * instance that boots from it. A download that fails or does not match leaves no file.
 *
 * Removal (the sweep's, image-cache-sweep.ts) must never pull a file from under a boot. A boot holds its images
 * (`using`) from before the fetch until the domain is defined; `remove` refuses an image that is held, or was held
 * or released since the mark the sweep took before it looked at the instances, and a fetch waits for a removal
 * already under way, then downloads again.
 */
export class ImageCache {
  private readonly inflight = new Map<string, Promise<string>>();
  private readonly holds = new Map<string, number>();
  /** The hold sequence number when each image was last held or released. */
  private readonly lastHold = new Map<string, number>();
  private holdSeq = 0;
  private readonly removing = new Map<string, Promise<void>>();
  /** The `.part` files of downloads under way, which no sweep may take. */
  private readonly writing = new Set<string>();

  constructor(readonly dir: string) {}

  /**
   * The cached file of `image`, downloading it first when this host has not got it yet. Call it inside `using`, so
   * that no sweep removes the file between this answer and the boot that opens it.
   */
  async fetch(image: TImageRef, authToken: string): Promise<string> {
    const target = this.fileOf(image.id);
    await this.removing.get(image.id);
    if (await isFile(target)) {
      await touch(target);
      return target;
    }
    let p = this.inflight.get(image.id);
    if (!p) {
      p = this.download(image, authToken, target).finally(() => this.inflight.delete(image.id));
      this.inflight.set(image.id, p);
    }
    return p;
  }

  /** Runs `fn` with these images held: no sweep removes them meanwhile (call it around fetch and the boot). */
  async using<T>(imageIds: string[], fn: () => Promise<T>): Promise<T> {
    const ids = [...new Set(imageIds)];
    for (const id of ids) {
      this.holds.set(id, (this.holds.get(id) ?? 0) + 1);
      this.lastHold.set(id, ++this.holdSeq);
    }
    try {
      return await fn();
    } finally {
      for (const id of ids) {
        const n = (this.holds.get(id) ?? 1) - 1;
        if (n > 0) this.holds.set(id, n);
        else this.holds.delete(id);
        this.lastHold.set(id, ++this.holdSeq);
      }
    }
  }

  /** Taken by a sweep before it reads which images the instances use; see `remove`. */
  mark(): HoldMark {
    return this.holdSeq;
  }

  /** The path an image is (or would be) cached at. */
  fileOf(imageId: string): string {
    return path.join(this.dir, imageId);
  }

  /** Every file in the cache, except the `.part` files of downloads under way. */
  async entries(): Promise<CacheEntry[]> {
    const names = await fsp.readdir(this.dir).catch(() => [] as string[]);
    const rows = await Promise.all(
      names.map(async (name): Promise<CacheEntry | null> => {
        const file = path.join(this.dir, name);
        if (this.writing.has(file)) return null;
        const partial = name.startsWith('.');
        if (partial && !name.endsWith('.part')) return null;
        const st = await fsp.stat(file).catch(() => null);
        if (!st?.isFile()) return null;
        return { name, file, imageId: partial ? null : name, bytes: st.size, lastUsedMs: st.mtimeMs };
      }),
    );
    return rows.filter((r): r is CacheEntry => r !== null);
  }

  /**
   * Removes a cache entry unless a boot holds it now, or held or released it after `since`: such a boot may have
   * made an instance depend on it after the sweep looked. Returns whether it removed the file.
   */
  async remove(entry: CacheEntry, since: HoldMark): Promise<boolean> {
    const id = entry.imageId;
    if (id === null) {
      if (this.writing.has(entry.file)) return false;
      await fsp.rm(entry.file, { force: true });
      return true;
    }
    // checked and claimed in one synchronous step: a fetch either sees the claim and waits, or holds first
    if (this.holds.has(id) || (this.lastHold.get(id) ?? -1) > since || this.removing.has(id)) return false;
    const p = fsp.rm(entry.file, { force: true });
    this.removing.set(id, p);
    try {
      await p;
    } finally {
      this.removing.delete(id);
      if (!this.holds.has(id)) this.lastHold.delete(id);
    }
    return true;
  }

  private async download(image: TImageRef, authToken: string, target: string): Promise<string> {
    await fsp.mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.${image.id}.${process.pid}.${Date.now()}.part`);
    this.writing.add(tmp);
    try {
      const res = await fetch(image.url, { headers: { 'X-Auth-Token': authToken } });
      if (!res.ok || !res.body)
        throw new Error(`downloading image ${image.id} failed: HTTP ${res.status} from the image service`);
      const sha512 = createHash('sha512');
      const md5 = createHash('md5');
      let size = 0;
      const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
      body.on('data', (chunk: Buffer) => {
        sha512.update(chunk);
        md5.update(chunk);
        size += chunk.length;
      });
      await pipeline(body, fs.createWriteStream(tmp, { mode: 0o444 }));
      if (image.size && size !== image.size)
        throw new Error(`image ${image.id} is ${size} bytes, expected ${image.size}`);
      if (image.sha512 && sha512.digest('hex') !== image.sha512)
        throw new Error(`image ${image.id} failed its sha512 check`);
      if (!image.sha512 && image.checksum && md5.digest('hex') !== image.checksum)
        throw new Error(`image ${image.id} failed its md5 check`);
      await fsp.rename(tmp, target);
      return target;
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      throw e;
    } finally {
      this.writing.delete(tmp);
    }
  }
}

const isFile = (p: string) =>
  fsp.stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
const touch = (p: string) => fsp.utimes(p, new Date(), new Date()).catch(() => undefined);
