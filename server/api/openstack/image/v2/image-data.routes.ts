import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../../lib/errors';
import type { Images } from '../../../../services/image/image.module';
import type { ByteRange } from '../../../../services/image/image-store';
import { authOf, noContent } from '../../request-auth';
import { glanceFault } from './glance-faults';

type IdParams = { id: string };

export function imageDataRoutes(app: FastifyInstance, images: Images) {
  // the body is the request stream itself (see the octet-stream parser in image-api.ts): it goes to the store as it
  // arrives, so memory stays flat whatever the size; the service enforces the cap on the bytes actually received
  app.put<{ Params: IdParams }>('/images/:id/file', { bodyLimit: images.sizeCap }, async (req, reply) => {
    const body = req.body as AsyncIterable<Uint8Array> | undefined;
    try {
      if (!body || typeof body[Symbol.asyncIterator] !== 'function') {
        throw new AppError(
          'BadRequest',
          'Send the image data as the request body with Content-Type: application/octet-stream.',
        );
      }
      const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
      // Glance's multi-store header; without it the image goes to the default store
      const store = req.headers['x-image-meta-store'];
      await images.data.upload(authOf(req), req.params.id, body, length, typeof store === 'string' ? store : undefined);
      return noContent(reply);
    } catch (e) {
      // the rest of a refused body is not worth reading: answer, then drop the connection
      reply.header('Connection', 'close');
      throw e;
    }
  });

  app.get<{ Params: IdParams }>('/images/:id/file', async (req, reply) => {
    const download = await images.data.download(authOf(req), req.params.id);
    if (!download) return noContent(reply);
    const { size, checksum } = download.image;
    const range = parseRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      reply.header('Content-Range', `bytes */${size}`);
      return glanceFault(
        reply,
        416,
        `Requested range ${req.headers.range} not satisfiable for an image of ${size} bytes.`,
      );
    }
    reply.type('application/octet-stream');
    if (range) {
      reply
        .status(206)
        .header('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
        .header('Content-Length', range.end - range.start + 1);
      return reply.send(await download.open(range));
    }
    reply.header('Content-Length', size);
    // openstacksdk checks the downloaded bytes against this
    if (checksum) reply.header('Content-MD5', checksum);
    return reply.send(await download.open());
  });
}

/**
 * One `bytes=` range (first-last, first-, or -suffix) as inclusive offsets; undefined when there is no usable Range
 * header (several ranges, another unit: the whole image is sent, as RFC 9110 allows).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return { start, end };
}
