import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { AppError } from '../../lib/errors';
import type { ByteRange, ImageStore, StoredImage } from './image-store';

export type S3StoreOptions = {
  endpoint: string;
  bucket: string;
  region: string;
  accessKey: string;
  secretKey: string;
  /** Bytes held in memory per part; S3 wants at least 5 MiB for every part but the last. */
  partSize: number;
};

/** Every S3 call gets an answer or an error within this time, so a hung endpoint cannot hold an upload forever. */
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Images as objects `images/<id>` in one bucket of an external S3-compatible service. An upload is buffered one part
 * at a time (memory stays at `partSize` whatever the image size): an image smaller than a part is one PUT, a larger
 * one a multipart upload, which S3 makes visible only when it completes — so a failed put aborts the multipart upload,
 * leaving no parts behind and the previous object, if any, untouched.
 */
export class S3Store implements ImageStore {
  readonly id = 's3';
  private readonly client: S3Client;

  constructor(private readonly o: S3StoreOptions) {
    this.client = new S3Client({
      endpoint: o.endpoint,
      region: o.region,
      credentials: { accessKeyId: o.accessKey, secretAccessKey: o.secretKey },
      // S3-compatible services serve buckets by path; virtual hosts would need DNS for each bucket
      forcePathStyle: true,
      // the newer default checksum trailers (aws-chunked bodies) are not understood by every S3-compatible service
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: REQUEST_TIMEOUT_MS },
    });
  }

  async put(imageId: string, data: AsyncIterable<Uint8Array>): Promise<StoredImage> {
    const key = keyOf(imageId);
    const parts = new PartBuffer(this.o.partSize);
    const source = data[Symbol.asyncIterator]();
    const first = await parts.fill(source);
    if (first.last) {
      await this.client.send(new PutObjectCommand({ Bucket: this.o.bucket, Key: key, Body: first.bytes }));
      return { storeId: this.id, location: this.locationOf(key), size: first.bytes.length };
    }
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.o.bucket, Key: key }));
    const uploadId = UploadId!;
    try {
      const done: CompletedPart[] = [];
      let size = 0;
      for (let part = first; ; part = await parts.fill(source)) {
        const PartNumber = done.length + 1;
        const { ETag } = await this.client.send(
          new UploadPartCommand({ Bucket: this.o.bucket, Key: key, UploadId: uploadId, PartNumber, Body: part.bytes }),
        );
        done.push({ ETag, PartNumber });
        size += part.bytes.length;
        if (part.last) break;
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.o.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: done },
        }),
      );
      return { storeId: this.id, location: this.locationOf(key), size };
    } catch (e) {
      await this.abort(key, uploadId);
      throw e;
    }
  }

  async get(location: string, range?: ByteRange): Promise<Readable> {
    const res = await this.client.send(
      new GetObjectCommand({
        Bucket: this.o.bucket,
        Key: this.keyFrom(location),
        Range: range && `bytes=${range.start}-${range.end}`,
      }),
    );
    return res.Body as Readable;
  }

  async delete(location: string): Promise<void> {
    // S3 answers a delete of a missing key with success, which is exactly the idempotence the contract asks
    await this.client.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: this.keyFrom(location) }));
  }

  /** Aborts the multipart uploads of this image a crashed process left open (the caller knows none is running). */
  async discardPartial(imageId: string): Promise<void> {
    const key = keyOf(imageId);
    const { Uploads = [] } = await this.client.send(
      new ListMultipartUploadsCommand({ Bucket: this.o.bucket, Prefix: key }),
    );
    for (const u of Uploads) if (u.Key === key && u.UploadId) await this.abort(key, u.UploadId);
  }

  private async abort(key: string, uploadId: string) {
    await this.client
      .send(new AbortMultipartUploadCommand({ Bucket: this.o.bucket, Key: key, UploadId: uploadId }))
      // the put's own error is the one the caller needs; a failed abort leaves parts that a bucket lifecycle rule ends
      .catch(() => undefined);
  }

  private locationOf(key: string) {
    return `s3://${this.o.bucket}/${key}`;
  }

  /** A location this store wrote, and only that: another bucket or a key outside `images/` is refused. */
  private keyFrom(location: string) {
    const prefix = `s3://${this.o.bucket}/`;
    const key = location.startsWith(prefix) ? location.slice(prefix.length) : '';
    if (!/^images\/[0-9a-fA-F-]{36}$/.test(key))
      throw new AppError('Internal', `Location ${location} is not in the s3 store`);
    return key;
  }
}

function keyOf(imageId: string) {
  if (!/^[0-9a-fA-F-]{36}$/.test(imageId)) throw new AppError('BadRequest', `Invalid image id: ${imageId}`);
  return `images/${imageId}`;
}

/**
 * Cuts a stream of chunks into parts of exactly `size` bytes (the last one shorter) in one buffer, reused for every
 * part: a part is sent before the next is filled, and reuse keeps the memory flat instead of leaving parts to the GC.
 */
class PartBuffer {
  private carry: Uint8Array | null = null;
  private readonly part: Buffer;

  constructor(private readonly size: number) {
    this.part = Buffer.allocUnsafe(size);
  }

  /** The next part (valid until the next call), and whether the data ended with it. */
  async fill(source: AsyncIterator<Uint8Array>): Promise<{ bytes: Buffer; last: boolean }> {
    const part = this.part;
    let filled = 0;
    for (;;) {
      let chunk = this.carry;
      this.carry = null;
      if (!chunk) {
        const next = await source.next();
        if (next.done) return { bytes: part.subarray(0, filled), last: true };
        chunk = next.value;
      }
      const take = Math.min(chunk.length, this.size - filled);
      part.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take < chunk.length) this.carry = chunk.subarray(take);
      if (filled === this.size) {
        // a full part is the last only when nothing follows; peeking is the only way to know
        if (this.carry) return { bytes: part, last: false };
        const next = await source.next();
        if (next.done) return { bytes: part, last: true };
        this.carry = next.value;
        return { bytes: part, last: false };
      }
    }
  }
}
