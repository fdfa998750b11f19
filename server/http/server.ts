import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { openstackFrameworkErrors } from '../api/openstack/framework-errors';
import { computeApi } from '../api/openstack/compute/compute-api';
import { identityApi } from '../api/openstack/identity/identity-api';
import { imageApi } from '../api/openstack/image/image-api';
import type { Compute } from '../services/compute/compute.module';
import type { Identity } from '../services/identity/identity.module';
import type { Images } from '../services/image/image.module';
import { trpcApi } from '../trpc/trpc-api';
import { imageUploadApi } from './image-upload';

export type HttpDeps = { identity: Identity; images: Images; compute: Compute; publicUrl: string };

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
    frameworkErrors: openstackFrameworkErrors,
  });
  // OpenStack clients send `Content-Type: application/json` with an empty body on PUT/DELETE (role grants, group
  // membership): an empty body is "no body", not malformed JSON. Anything else must parse, and `__proto__` or
  // `constructor.prototype` keys are refused as Fastify's own parser refuses them (prototype pollution).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (e) {
      done(Object.assign(new SyntaxError((e as Error).message), { statusCode: 400 }), undefined);
    }
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('X-Openstack-Request-Id', req.id);
  });
  await app.register(identityApi, { prefix: '/identity', identity: deps.identity, publicUrl: deps.publicUrl });
  await app.register(imageApi, { prefix: '/image', identity: deps.identity, images: deps.images, publicUrl: deps.publicUrl });
  await app.register(computeApi, { prefix: '/compute', identity: deps.identity, compute: deps.compute, publicUrl: deps.publicUrl });
  await app.register(trpcApi, {
    prefix: '/api/trpc',
    identity: deps.identity,
    compute: deps.compute,
    images: deps.images,
    quotas: deps.compute.deps.quotas,
    publicUrl: deps.publicUrl,
  });
  await app.register(imageUploadApi, { prefix: '/api/images', identity: deps.identity, images: deps.images });
  return app;
}
