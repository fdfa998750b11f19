import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { ERROR_CODES, isAppError } from '../../../../lib/errors';
import { logger } from '../../../../lib/logger';

const TITLES: Record<number, string> = {
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
};

/** Glance's error body (webob's JSON form): {"code": "404 Not Found", "title": "Not Found", "message": "..."}. */
export function glanceFault(reply: FastifyReply, status: number, message: string) {
  const title = TITLES[status] ?? Object.values(ERROR_CODES).find((c) => c.http === status)?.title ?? 'Error';
  return reply
    .status(status)
    .type('application/json; charset=UTF-8')
    .send({ code: `${status} ${title}`, title, message });
}

/** Every error leaving /image goes through here: coded errors keep their status, the rest say nothing internal. */
export function glanceErrorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (isAppError(err)) {
    const status = ERROR_CODES[err.code].http;
    if (status === 401) reply.header('WWW-Authenticate', `Keystone uri="${req.protocol}://${req.host}/identity"`);
    return glanceFault(reply, status, err.message);
  }
  // a service's own input check that the adapter's did not catch first: still the caller's bad input
  if (err instanceof ZodError) {
    const issue = err.issues[0]!;
    return glanceFault(reply, 400, `Invalid input for field '${issue.path.join('.') || '<body>'}': ${issue.message}`);
  }
  const fe = err as FastifyError;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return glanceFault(reply, 413, 'Request Entity Too Large: the request body exceeds the maximum size.');
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return glanceFault(reply, 415, `Unsupported Content-Type: ${req.headers['content-type'] ?? 'none'}`);
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return glanceFault(reply, 400, 'The request body is empty; a JSON document is expected.');
  if (fe.statusCode === 400 || fe instanceof SyntaxError)
    return glanceFault(reply, 400, `Malformed JSON in the request body: ${fe.message}`);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
    return glanceFault(reply, fe.statusCode, fe.message);
  logger.error({ err, url: req.url, requestId: req.id }, 'unhandled error in image API');
  return glanceFault(reply, 500, 'An unexpected error prevented the server from fulfilling your request.');
}
