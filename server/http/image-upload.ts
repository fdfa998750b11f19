import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CODES, isAppError } from '../lib/errors';
import { logger } from '../lib/logger';
import { CSRF_HEADER, readSessionCookie } from '../lib/session-cookie';
import type { Identity } from '../services/identity/identity.module';
import type { Images } from '../services/image/image.module';

const log = logger.child({ c: 'image-upload' });

/** What a refused upload answers: the tRPC error's fields the dashboard already knows how to show. */
export type TUploadError = { error: { message: string; appCode: string | null; httpStatus: number } };

/**
 * The dashboard's image upload: `PUT /api/images/:id/file` with the file as the body. It is a plain route rather than
 * a tRPC procedure so the body can stream: the bytes go to ImageDataService.upload as they arrive, as the Glance
 * route does, so memory stays flat whatever the size and the browser's `upload.onprogress` measures the real
 * transfer. The session cookie says who is calling and the CSRF header proves the page sent it (a cross-site form
 * cannot set a custom header), as for tRPC mutations.
 */
export async function imageUploadApi(app: FastifyInstance, opts: { identity: Identity; images: Images }) {
  // the body is passed on as the request stream itself; this parser lives in this plugin's scope only
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
  app.setErrorHandler(uploadErrorHandler);

  app.put<{ Params: { id: string } }>('/:id/file', { bodyLimit: opts.images.sizeCap }, async (req, reply) => {
    try {
      if (req.headers[CSRF_HEADER] !== '1') {
        throw new AppError('Forbidden', `Uploads must carry the ${CSRF_HEADER} header.`);
      }
      const auth = await opts.identity.tokens.validate(readSessionCookie(req.headers.cookie), req.id);
      const body = req.body as AsyncIterable<Uint8Array> | undefined;
      if (!body || typeof body[Symbol.asyncIterator] !== 'function') {
        throw new AppError(
          'BadRequest',
          'Send the file as the request body with Content-Type: application/octet-stream.',
        );
      }
      const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
      const image = await opts.images.data.upload(auth, req.params.id, body, length);
      return reply.status(200).send({ id: image.id, status: image.status, size: image.size });
    } catch (e) {
      // the rest of a refused body is not worth reading: answer, then drop the connection
      reply.header('Connection', 'close');
      throw e;
    }
  });
}

function uploadErrorHandler(error: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply) {
  const send = (httpStatus: number, message: string, appCode: string | null) =>
    reply.status(httpStatus).send({ error: { message, appCode, httpStatus } } satisfies TUploadError);
  if (isAppError(error)) return send(ERROR_CODES[error.code].http, error.message, error.code);
  const status = (error as FastifyError).statusCode;
  // Fastify's own 4xx: a Content-Type no parser takes (the size cap is the service's: the body is a raw stream)
  if (status === 413) return send(413, 'The file is larger than this cloud accepts for an image.', 'PayloadTooLarge');
  if (status === 415) return send(415, 'Send the file with Content-Type: application/octet-stream.', 'BadRequest');
  if (status && status >= 400 && status < 500) return send(status, error.message, null);
  log.error({ err: error, reqId: req.id }, 'image upload failed');
  return send(500, 'Something went wrong on the server.', null);
}
