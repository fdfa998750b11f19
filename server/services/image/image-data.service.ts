import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AppError, isAppError } from '../../lib/errors';
import { randomToken } from '../../lib/ids';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { findVisible, ownedBy, ownProject, type ImageDeps } from './image-deps';
import type { TDiskFormat, TImage } from './image.dto';
import { checkFormat, HEADER_BYTES } from './image-format';
import type { ByteRange } from './image-store';
import { UploadLease } from './upload-lease';

/** An image's data ready to stream: `open` reads all of it, or an inclusive byte range. */
export type ImageDownload = { image: TImage & { size: number }; open(range?: ByteRange): Promise<Readable> };

export class ImageDataService {
  constructor(private readonly d: ImageDeps) {}

  /**
   * Streams `data` into the store while hashing it (md5 as `checksum`, sha512 as `os_hash_value`) and checking it is
   * the declared disk format. Any failure (a broken-off body, a size over the cap, content of another format) leaves
   * no data and the image back in `queued`, so the upload can simply be retried. The data goes to `storeId` when
   * given (Glance's X-Image-Meta-Store), else to the default store.
   */
  async upload(
    ctx: AuthContext,
    id: string,
    data: AsyncIterable<Uint8Array>,
    declaredLength?: number,
    storeId?: string,
  ): Promise<TImage> {
    const image = await findVisible(this.d, ctx, id);
    enforce(ctx, 'image:upload_image', ownedBy(image));
    if (image.status !== 'queued')
      throw new AppError('Conflict', `Image status transition from ${image.status} to saving is not allowed`);
    if (!image.diskFormat || !image.containerFormat) {
      throw new AppError('BadRequest', 'Properties disk_format, container_format must be set prior to saving data.');
    }
    if (declaredLength !== undefined && declaredLength > this.d.sizeCap) throw tooLarge(this.d.sizeCap);
    const store = this.d.stores.forUpload(storeId);
    // the compare-and-set makes two concurrent uploads to one image a 409 for the second, not a race; the lease tells
    // the sweepers of every API process that this one is alive (see upload-sweeper.ts)
    const token = randomToken();
    if (!(await this.d.repo.beginUpload(id, token, UploadLease.until(this.d.uploadLeaseMs))))
      throw new AppError('Conflict', `Image ${id} is already being uploaded`);
    const lease = new UploadLease(this.d.repo, id, token, this.d.uploadLeaseMs);
    const meter = new UploadMeter(image.diskFormat, this.d.sizeCap);
    try {
      const stored = await store.put(id, meter.pass(lease.guard(data)));
      lease.stop();
      const done = await this.d.repo.endUpload(id, token, 'active', {
        size: stored.size,
        virtualSize: meter.virtualSize ?? (['raw', 'iso'].includes(image.diskFormat) ? stored.size : null),
        checksum: meter.md5.digest('hex'),
        osHashAlgo: 'sha512',
        osHashValue: meter.sha512.digest('hex'),
        storeId: stored.storeId,
        location: stored.location,
      });
      if (!done) {
        await store.delete(stored.location);
        throw new AppError('Conflict', `Image ${id} was deleted or changed during the upload`);
      }
      return (await this.d.repo.get(id))!;
    } catch (e) {
      lease.stop();
      await this.d.repo.endUpload(id, token, 'queued');
      throw e;
    }
  }

  /** The data of a visible image, or null when it has none yet (Glance answers 204). */
  async download(ctx: AuthContext, id: string): Promise<ImageDownload | null> {
    const image = await findVisible(this.d, ctx, id);
    enforce(ctx, 'image:download_image', ownProject(ctx));
    if (image.status === 'deactivated' && !isCloudAdmin(ctx)) {
      throw new AppError('Forbidden', 'The requested image has been deactivated. Image data download is forbidden.');
    }
    if (!image.location || image.size === null || !['active', 'deactivated'].includes(image.status)) return null;
    const { location } = image;
    const store = this.d.stores.holding(image);
    return { image: { ...image, size: image.size }, open: (range) => store.get(location, range) };
  }
}

const tooLarge = (cap: number) =>
  new AppError('PayloadTooLarge', `Image exceeds the storage quota: the image size cap is ${cap} bytes.`);

/** Counts, hashes and format-checks the bytes as they pass, holding at most the first HEADER_BYTES of them. */
class UploadMeter {
  readonly md5 = createHash('md5');
  readonly sha512 = createHash('sha512');
  size = 0;
  virtualSize: number | null = null;
  private head: Buffer[] = [];
  private headLength = 0;
  private checked = false;

  constructor(
    private readonly format: TDiskFormat,
    private readonly cap: number,
  ) {}

  async *pass(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const it = source[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await it.next();
      } catch (e) {
        if (isAppError(e)) throw e;
        throw new AppError(
          'BadRequest',
          `The upload broke off before the image data was complete (${(e as Error).message}).`,
        );
      }
      if (next.done) break;
      const chunk = next.value;
      this.size += chunk.length;
      if (this.size > this.cap) throw tooLarge(this.cap);
      this.md5.update(chunk);
      this.sha512.update(chunk);
      if (!this.checked) {
        this.head.push(Buffer.from(chunk));
        this.headLength += chunk.length;
        if (this.headLength >= HEADER_BYTES) this.check();
      }
      yield chunk;
    }
    if (!this.checked) this.check();
  }

  private check() {
    this.checked = true;
    const verdict = checkFormat(this.format, Buffer.concat(this.head).subarray(0, HEADER_BYTES));
    this.head = [];
    if (!verdict.ok) throw new AppError('BadRequest', verdict.reason);
    this.virtualSize = verdict.virtualSize;
  }
}
