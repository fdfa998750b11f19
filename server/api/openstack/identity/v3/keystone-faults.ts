import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, isAppError } from '../../../../lib/errors';
import { logger } from '../../../../lib/logger';

/** Keystone's error body: {"error": {"code", "title", "message"}} with the matching status. */
export function keystoneFault(reply: FastifyReply, status: number, message: string) {
  const title = Object.values(ERROR_CODES).find((c) => c.http === status)?.title ?? 'Error';
  return reply.status(status).send({ error: { code: status, title, message } });
}

/** Every error leaving /identity/v3 goes through here: coded errors keep their status, the rest say nothing internal. */
export function keystoneErrorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (isAppError(err)) {
    const status = ERROR_CODES[err.code].http;
    if (status === 401) reply.header('WWW-Authenticate', 'Keystone uri="' + req.protocol + '://' + req.host + '/identity"');
    const retry = err.details?.retryAfterSeconds;
    if (typeof retry === 'number') reply.header('Retry-After', String(retry));
    return keystoneFault(reply, status, err.message);
  }
  const fe = err as FastifyError;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return keystoneFault(reply, 413, 'Request Entity Too Large: the request body exceeds the maximum size.');
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return keystoneFault(reply, 415, `Unsupported content type: ${req.headers['content-type'] ?? 'none'}; send application/json.`);
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return keystoneFault(reply, 400, 'The request body is empty; a JSON object is expected.');
  if (fe.statusCode === 400 || fe instanceof SyntaxError) return keystoneFault(reply, 400, `Malformed JSON in the request body: ${fe.message}`);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return keystoneFault(reply, fe.statusCode, fe.message);
  logger.error({ err, url: req.url, requestId: req.id }, 'unhandled error in identity API');
  return keystoneFault(reply, 500, 'An unexpected error prevented the server from fulfilling your request.');
}
