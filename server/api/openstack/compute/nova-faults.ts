import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { ERROR_CODES, isAppError } from '../../../lib/errors';
import { logger } from '../../../lib/logger';
import { VersionNotAcceptable } from './microversion';

/** Nova names its fault bodies by status (nova/api/openstack/wsgi.py); anything else is a computeFault. */
const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

// Nova hides a 500's cause from the caller and asks for the log instead
const HIDDEN_500 =
  'Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.';

/** `{"itemNotFound": {"code": 404, "message": "Flavor 7 could not be found."}}` */
export function novaFault(reply: FastifyReply, status: number, message: string) {
  const name = FAULT_NAMES[status] ?? 'computeFault';
  return reply
    .status(status)
    .type('application/json; charset=UTF-8')
    .send({ [name]: { code: status, message } });
}

/** Every error leaving /compute goes through here: each AppError code keeps its status, the rest say nothing internal. */
export function novaErrorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (isAppError(err)) {
    const status = ERROR_CODES[err.code].http;
    // a missing or bad token is refused by the auth layer in front of Nova (keystonemiddleware), in Keystone's shape
    if (status === 401) {
      return reply
        .status(401)
        .header('WWW-Authenticate', `Keystone uri="${req.protocol}://${req.host}/identity"`)
        .send({ error: { code: 401, title: 'Unauthorized', message: err.message } });
    }
    return novaFault(reply, status, err.message);
  }
  if (err instanceof VersionNotAcceptable) return novaFault(reply, 406, err.message);
  // a service's own input check that the adapter's did not catch first: still the caller's bad input
  if (err instanceof ZodError) {
    const issue = err.issues[0]!;
    return novaFault(reply, 400, `Invalid input for field '${issue.path.join('.') || '<body>'}': ${issue.message}`);
  }
  const fe = err as FastifyError;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return novaFault(reply, 413, 'Request is too large.');
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return novaFault(reply, 415, 'Unsupported Content-Type');
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe.statusCode === 400 || fe instanceof SyntaxError)
    return novaFault(reply, 400, 'Malformed request body');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 600 && fe.statusCode !== 500)
    return novaFault(reply, fe.statusCode, fe.message);
  logger.error({ err, url: req.url, requestId: req.id }, 'unhandled error in compute API');
  return novaFault(reply, 500, HIDDEN_500);
}

/** Routes a version does not have are unknown resources, as Nova's router answers them. */
export function novaNotFound(_req: FastifyRequest, reply: FastifyReply) {
  return novaFault(reply, 404, 'The resource could not be found.');
}
