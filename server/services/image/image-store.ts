import type { Readable } from 'node:stream';

/** Where an image's bytes went: the store that holds them and its own address for them. */
export type StoredImage = { storeId: string; location: string; size: number };
export type ByteRange = { start: number; end: number };

/**
 * One place image data lives (filesystem now; object storage and external S3 later). Every store keeps this contract,
 * which the shared suite in image-store.contract.ts checks:
 * - `put` consumes `data` with backpressure (constant memory whatever the size) and resolves only once the whole
 *   image is stored; when `data` throws (the client broke off, a cap was passed, the content is not what was declared)
 *   it leaves nothing behind and rejects with that error, so the image can be uploaded again.
 * - `put` over an existing image replaces it only on success.
 * - `get` streams the bytes, or the inclusive `range` of them.
 * - `delete` is idempotent: a location already gone is not an error.
 * - `discardPartial` removes what puts of an image that never finished left (a process killed mid-upload leaves its
 *   temporary data); it is called only when no put of that image is running anywhere.
 */
export interface ImageStore {
  readonly id: string;
  put(imageId: string, data: AsyncIterable<Uint8Array>): Promise<StoredImage>;
  get(location: string, range?: ByteRange): Promise<Readable>;
  delete(location: string): Promise<void>;
  discardPartial(imageId: string): Promise<void>;
}
