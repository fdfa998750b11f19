import type { FastifyInstance } from 'fastify';
import type { Identity } from '../../../services/identity/identity.module';
import { requireToken } from '../request-auth';
import { refuseNulCharacters } from '../validate';
import { authRoutes } from './v3/auth.routes';
import { catalogRoutes } from './v3/catalog.routes';
import { credentialRoutes } from './v3/credentials.routes';
import { keystoneErrorHandler } from './v3/keystone-faults';
import { projectRoutes } from './v3/projects.routes';
import { roleRoutes } from './v3/roles.routes';
import { userRoutes } from './v3/users.routes';

/** Keystone's request body cap (max_request_body_size): bigger bodies get a 413. */
export const IDENTITY_BODY_LIMIT = 114_688;

const UPDATED = '2026-11-01T00:00:00Z';
const mediaTypes = [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }];
const versionDoc = (href: string) => ({ id: 'v3.14', status: 'stable', updated: UPDATED, links: [{ rel: 'self', href }], 'media-types': mediaTypes });

/** The identity API, registered under the /identity prefix: version discovery and Keystone v3. */
export async function identityApi(app: FastifyInstance, opts: { identity: Identity; publicUrl: string }) {
  const base = `${opts.publicUrl}/identity/v3`;
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= IDENTITY_BODY_LIMIT;
  });
  app.setErrorHandler(keystoneErrorHandler);
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: { code: 404, title: 'Not Found', message: `The resource could not be found: ${req.method} ${req.url.split('?')[0]}` } }),
  );
  // openstackclient discovers the API from the auth URL; the version list answers 300 as Keystone's does
  app.get('/', { config: { public: true } }, async (_req, reply) => reply.status(300).send({ versions: { values: [versionDoc(`${base}/`)] } }));
  await app.register(
    async (v3) => {
      v3.addHook('onRequest', requireToken(opts.identity.tokens));
      v3.addHook('preHandler', refuseNulCharacters);
      v3.get('/', { config: { public: true } }, async () => ({ version: versionDoc(`${base}/`) }));
      const links = { base };
      authRoutes(v3, opts.identity, links);
      projectRoutes(v3, opts.identity, links);
      userRoutes(v3, opts.identity, links);
      roleRoutes(v3, opts.identity, links);
      credentialRoutes(v3, opts.identity, links);
      catalogRoutes(v3, opts.identity, links);
    },
    { prefix: '/v3' },
  );
}
