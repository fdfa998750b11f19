import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TImageRef } from '../../server/rpc/contracts/compute/instance-spec';

/**
 * The host's image cache (Nova's `_base`): each image is downloaded once per host from the image API, verified
 * against the hash the message carried (sha512, else md5), and kept read-only under `<dir>/<imageId>` for every
 * instance that boots from it. A download that fails or does not match leaves no file.
 */
export class ImageCache {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly dir: string) {}

  /** The cached file of `image`, downloading it first when this host has not got it yet. */
  async fetch(image: TImageRef, authToken: string): Promise<string> {
    const target = path.join(this.dir, image.id);
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

  /**
   * Removes cached images no instance has used for `maxAgeMs` (their mtime is touched on each use), except those in
   * `inUse`. Returns the ids removed.
   */
  async evict(maxAgeMs: number, inUse: Set<string>): Promise<string[]> {
    const removed: string[] = [];
    const names = await fsp.readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      if (name.startsWith('.') || inUse.has(name)) continue;
      const st = await fsp.stat(path.join(this.dir, name)).catch(() => null);
      if (st && Date.now() - st.mtimeMs > maxAgeMs) {
        await fsp.rm(path.join(this.dir, name), { force: true });
        removed.push(name);
      }
    }
    return removed;
  }

  private async download(image: TImageRef, authToken: string, target: string): Promise<string> {
    await fsp.mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.${image.id}.${process.pid}.${Date.now()}.part`);
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
    }
  }
}

const isFile = (p: string) =>
  fsp.stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
const touch = (p: string) => fsp.utimes(p, new Date(), new Date()).catch(() => undefined);
