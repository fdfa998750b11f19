import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Fastify's `frameworkErrors` option: what the router refuses before any route, and so any API's error handler, is
 * chosen. Without it Fastify answers in its own shape (a 414 for a path segment over `maxParamLength`, a 400 for a
 * bad percent-encoding), which no OpenStack client parses. An over-long id names nothing that exists: 404, as Keystone
 * answers for any unknown id. Keystone's error shape is used because identity is the only API mounted so far.
 */
export function openstackFrameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return reply
      .status(404)
      .send({ error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' } });
  }
  return reply
    .status(400)
    .send({ error: { code: 400, title: 'Bad Request', message: `The request URL is not valid: ${err.message}` } });
}
