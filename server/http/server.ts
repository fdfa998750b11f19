import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { identityApi } from '../api/openstack/identity/identity-api';
import type { Identity } from '../services/identity/identity.module';

export type HttpDeps = { identity: Identity; publicUrl: string };

/**
 * The one HTTP origin. This file only mounts: the OpenStack REST prefixes here, tRPC, socket.io and the
 * dashboard from their own modules (see main.ts). No logic lives here.
 */
export async function createHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    // OpenStack request ids look like req-<uuid>; clients log them to correlate failures
    genReqId: () => `req-${randomUUID()}`,
    bodyLimit: 1024 * 1024,
    // HEAD routes are declared where OpenStack has them (token check, membership check), not derived from GET
    exposeHeadRoutes: false,
    return503OnClosing: true,
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('X-Openstack-Request-Id', req.id);
  });
  await app.register(identityApi, { prefix: '/identity', identity: deps.identity, publicUrl: deps.publicUrl });
  return app;
}
