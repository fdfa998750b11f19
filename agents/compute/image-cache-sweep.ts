import path from 'node:path';
import type { Logger } from '../../server/lib/logger';
import type { HypervisorDriver } from './driver';
import type { CacheEntry, HoldMark, ImageCache } from './image-cache';

export type ImageCacheSweepSettings = {
  /** An unused base (or a failed download's `.part`) not used for this long is removed (Nova: 86400 s). */
  minAgeMs: number;
  /** When the cache holds more than this, unused bases go, least recently used first, until it does not. */
  maxBytes?: number;
};

export type Eviction = { imageId: string | null; file: string; bytes: number; reason: 'age' | 'size' };

export type SweepResult = {
  evicted: Eviction[];
  /** Image ids an instance on this host depends on: kept, whatever their age or size. */
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
  const inUse = await imageIdsInUse(images, driver);
  const entries = await images.entries();
  const evictor = new Evictor(images, mark, log);
  const unused = entries.filter((e) => e.imageId === null || !inUse.has(e.imageId));
  const kept = [...entries.filter((e) => !unused.includes(e)), ...(await evictOld(evictor, unused, settings, now()))];
  let bytes = kept.reduce((n, e) => n + e.bytes, 0);
  if (settings.maxBytes !== undefined && bytes > settings.maxBytes) {
    bytes = await evictOverCap(evictor, kept, inUse, bytes, settings.maxBytes);
    if (bytes > settings.maxBytes)
      log.warn(
        { bytes, maxBytes: settings.maxBytes, inUse: [...inUse] },
        'the image cache stays over its size cap: what is left is in use',
      );
  }
  return { evicted: evictor.evicted, inUse: [...inUse], bytes };
}

/** The ids of the cached images the driver says the host's instances depend on. */
async function imageIdsInUse(
  images: ImageCache,
  driver: Pick<HypervisorDriver, 'imageFilesInUse'>,
): Promise<Set<string>> {
  const dir = path.resolve(images.dir);
  const files = await driver.imageFilesInUse();
  return new Set(files.filter((f) => path.dirname(path.resolve(f)) === dir).map((f) => path.basename(f)));
}

/** Removes unused entries not used for the minimum age; returns those it kept. */
async function evictOld(
  evictor: Evictor,
  unused: CacheEntry[],
  settings: ImageCacheSweepSettings,
  at: number,
): Promise<CacheEntry[]> {
  const kept: CacheEntry[] = [];
  for (const e of unused) {
    const ageMs = at - e.lastUsedMs;
    const ageS = Math.round(ageMs / 1000);
    const why = e.imageId
      ? `evicted image ${e.imageId} from the cache: no instance here uses it and no boot has fetched it for ${ageS} s`
      : `removed ${path.basename(e.file)}, a download that did not finish ${ageS} s ago`;
    if (!(ageMs >= settings.minAgeMs && (await evictor.evict(e, 'age', why)))) kept.push(e);
  }
  return kept;
}

/** Removes unused images, least recently used first, while the cache holds more than `maxBytes`; returns its size. */
async function evictOverCap(
  evictor: Evictor,
  kept: CacheEntry[],
  inUse: Set<string>,
  bytes: number,
  maxBytes: number,
): Promise<number> {
  const lru = kept.filter((e) => e.imageId && !inUse.has(e.imageId)).sort((a, b) => a.lastUsedMs - b.lastUsedMs);
  for (const e of lru) {
    if (bytes <= maxBytes) break;
    const why = `evicted image ${e.imageId} from the cache: the cache held ${bytes} bytes, over its cap of ${maxBytes}, and it was the least recently used`;
    if (await evictor.evict(e, 'size', why)) bytes -= e.bytes;
  }
  return bytes;
}

/** Removes entries (unless a boot got to them since the mark), recording and logging each one and why. */
class Evictor {
  readonly evicted: Eviction[] = [];

  constructor(
    private readonly images: ImageCache,
    private readonly mark: HoldMark,
    private readonly log: Logger,
  ) {}

  async evict(e: CacheEntry, reason: Eviction['reason'], why: string): Promise<boolean> {
    if (!(await this.images.remove(e, this.mark))) return false;
    this.evicted.push({ imageId: e.imageId, file: e.file, bytes: e.bytes, reason });
    this.log.info({ imageId: e.imageId, file: e.file, bytes: e.bytes, reason }, why);
    return true;
  }
}
