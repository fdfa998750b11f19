import path from 'node:path';
import type { Logger } from '../../server/lib/logger';
import type { HypervisorDriver } from './driver';
import type { CacheEntry, ImageCache } from './image-cache';

export type ImageCacheSweepSettings = {
  /** An unused base (or a failed download's `.part`) not used for this long is removed (Nova: 86400 s). */
  minAgeMs: number;
  /** When the cache holds more than this, unused bases go, least recently used first, until it does not. */
  maxBytes?: number;
};

export type Eviction = { imageId: string | null; file: string; bytes: number; reason: 'age' | 'size' };

export type SweepResult = {
  evicted: Eviction[];
  /** Image ids an instance on this host (or a boot under way) depends on: kept, whatever their age or size. */
  inUse: string[];
  /** What the cache holds after the sweep. */
  bytes: number;
};

/**
 * One pass of the host's image cache manager (Nova's ImageCacheManager): which bases the host's instances use comes
 * from the driver, what a boot under way uses from the cache's holds; every other base is removed once it has gone
 * unused for `minAgeMs`, and then, while the cache is over `maxBytes`, the least recently used of the rest.
 */
export async function sweepImageCache(
  images: ImageCache,
  driver: Pick<HypervisorDriver, 'imageFilesInUse'>,
  settings: ImageCacheSweepSettings,
  log: Logger,
  now: () => number = Date.now,
): Promise<SweepResult> {
  // before the instances are read: a boot that holds an image after this point keeps it from this sweep
  const mark = images.mark();
  const inUse = new Set(
    (await driver.imageFilesInUse())
      .filter((f) => path.dirname(path.resolve(f)) === path.resolve(images.dir))
      .map((f) => path.basename(f)),
  );
  const entries = await images.entries();
  const evicted: Eviction[] = [];
  const evict = async (e: CacheEntry, reason: Eviction['reason'], why: string) => {
    if (!(await images.remove(e, mark))) return false;
    evicted.push({ imageId: e.imageId, file: e.file, bytes: e.bytes, reason });
    log.info({ imageId: e.imageId, file: e.file, bytes: e.bytes, reason }, why);
    return true;
  };

  const at = now();
  const unused = entries.filter((e) => e.imageId === null || !inUse.has(e.imageId));
  const kept: CacheEntry[] = entries.filter((e) => !unused.includes(e));
  for (const e of unused) {
    const ageS = Math.round((at - e.lastUsedMs) / 1000);
    const old = at - e.lastUsedMs >= settings.minAgeMs;
    const gone =
      old &&
      (await evict(
        e,
        'age',
        e.imageId
          ? `evicted image ${e.imageId} from the cache: no instance has used it for ${ageS} s`
          : `removed ${path.basename(e.file)}, a download that did not finish ${ageS} s ago`,
      ));
    if (!gone) kept.push(e);
  }

  let bytes = kept.reduce((n, e) => n + e.bytes, 0);
  if (settings.maxBytes !== undefined && bytes > settings.maxBytes) {
    const lru = kept.filter((e) => e.imageId && !inUse.has(e.imageId)).sort((a, b) => a.lastUsedMs - b.lastUsedMs);
    for (const e of lru) {
      if (bytes <= settings.maxBytes) break;
      const over = bytes;
      if (
        await evict(
          e,
          'size',
          `evicted image ${e.imageId} from the cache: the cache held ${over} bytes, over its cap of ${settings.maxBytes}, and it was the least recently used`,
        )
      )
        bytes -= e.bytes;
    }
    if (bytes > settings.maxBytes)
      log.warn(
        { bytes, maxBytes: settings.maxBytes, inUse: [...inUse] },
        'the image cache stays over its size cap: what is left is in use',
      );
  }
  return { evicted, inUse: [...inUse], bytes };
}
