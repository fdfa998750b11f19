import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver, { type S3rverContext } from 's3rver';
import { onFileEnd } from './file-cleanup';

export type S3Server = {
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  /** The multipart uploads begun and neither completed nor aborted: what a failed upload must not leave. */
  openUploads(): string[];
  /** The objects the bucket holds, by key. */
  objects(): string[];
};

/**
 * A real S3-compatible server (s3rver, a third-party implementation over a directory) on 127.0.0.1 and a free port,
 * with one bucket, stopped when the test file ends. It knows one access key, S3RVER (secret S3RVER).
 */
export async function startS3Server(): Promise<S3Server> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-s3-'));
  const bucket = 'cumulo-images';
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  // s3rver 3.7 has no AbortMultipartUpload (it answers 405); real S3 services do, so give it the same behaviour:
  // drop the upload's parts, 204, and NoSuchUpload for an upload it does not know
  const uploadsDir = path.join(directory, bucket, '._S3rver_uploads');
  server.middleware.splice(1, 0, async (ctx: S3rverContext, next) => {
    const uploadId = ctx.query.uploadId;
    if (ctx.method !== 'DELETE' || !uploadId || !ctx.path.startsWith(`/${bucket}/`)) return next();
    const dir = path.join(uploadsDir, path.basename(uploadId));
    if (!fs.existsSync(dir)) {
      ctx.status = 404;
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code></Error>';
      return;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    ctx.status = 204;
  });
  const { port } = await server.run();
  onFileEnd(async () => {
    await server.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });
  const listObjects = (dir: string, prefix = ''): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      if (e.isDirectory())
        return e.name.startsWith('._S3rver_') ? [] : listObjects(path.join(dir, e.name), `${prefix}${e.name}/`);
      const m = e.name.match(/^(.*)\._S3rver_object$/);
      return m ? [`${prefix}${m[1]}`] : [];
    });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    openUploads: () => (fs.existsSync(uploadsDir) ? fs.readdirSync(uploadsDir) : []),
    objects: () => listObjects(path.join(directory, bucket)),
  };
}
