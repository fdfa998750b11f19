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
  // s3rver 3.7 lacks two calls real S3 services have, which the store uses on failure and after a crash; they are
  // given here with S3's answers, over s3rver's own upload directory: AbortMultipartUpload (drop the upload's
  // parts: 204, NoSuchUpload when unknown) and ListMultipartUploads (the uploads open under a key prefix)
  const uploadsDir = path.join(directory, bucket, '._S3rver_uploads');
  server.middleware.splice(1, 0, async (ctx: S3rverContext, next) => {
    const uploadId = ctx.query.uploadId;
    if (ctx.method === 'DELETE' && uploadId && ctx.path.startsWith(`/${bucket}/`)) {
      const dir = path.join(uploadsDir, path.basename(uploadId));
      if (!fs.existsSync(dir)) {
        ctx.status = 404;
        ctx.body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code></Error>';
        return;
      }
      fs.rmSync(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    if (ctx.method === 'GET' && ctx.query.uploads !== undefined && ctx.path.replace(/\/$/, '') === `/${bucket}`) {
      const prefix = ctx.query.prefix ?? '';
      const uploads = (fs.existsSync(uploadsDir) ? fs.readdirSync(uploadsDir) : [])
        .map((id) => ({ id, key: readIfThere(path.join(uploadsDir, id, 'key')) }))
        // an upload being created has its directory a moment before its key
        .filter((u) => u.key?.startsWith(prefix));
      ctx.status = 200;
      ctx.set('Content-Type', 'application/xml');
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        `<Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated>` +
        uploads.map((u) => `<Upload><Key>${u.key}</Key><UploadId>${u.id}</UploadId></Upload>`).join('') +
        '</ListMultipartUploadsResult>';
      return;
    }
    return next();
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

const readIfThere = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
