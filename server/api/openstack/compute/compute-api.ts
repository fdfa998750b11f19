import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Compute } from '../../../services/compute/compute.module';
import type { Identity } from '../../../services/identity/identity.module';
import { requireToken } from '../request-auth';
import { refuseNulCharacters } from '../validate';
import { MAX_VERSION, MIN_VERSION, requestedVersion, versionHeaders } from './microversion';
import { novaErrorHandler, novaNotFound } from './nova-faults';
import { flavorRoutes } from './v2.1/flavors.routes';
import { hostRoutes } from './v2.1/hosts.routes';
import { keypairRoutes } from './v2.1/keypairs.routes';
import { quotaRoutes } from './v2.1/quotas.routes';
import { serverGroupRoutes } from './v2.1/server-groups.routes';
import { serverMetadataRoutes } from './v2.1/server-metadata.routes';
import { serverRoutes } from './v2.1/servers.routes';
import { simpleTenantUsageRoutes } from './v2.1/simple-tenant-usage.routes';

const DESCRIBED_BY = { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' };

/** Nova's two API versions: the legacy v2.0 (listed, as Nova lists it) and v2.1 with microversions. */
function versions(root: string) {
  return [
    {
      id: 'v2.0',
      status: 'SUPPORTED',
      version: '',
      min_version: '',
      updated: '2011-01-21T11:33:21Z',
      links: [{ rel: 'self', href: `${root}/v2/` }],
    },
    {
      id: 'v2.1',
      status: 'CURRENT',
      version: MAX_VERSION,
      min_version: MIN_VERSION,
      updated: '2013-07-23T11:33:21Z',
      links: [{ rel: 'self', href: `${root}/v2.1/` }],
    },
  ];
}

/** GET /compute/v2.1/ (or /v2/): one version in full. */
function versionDocument(root: string, which: 'v2' | 'v2.1') {
  const [v20, v21] = versions(root);
  const v = which === 'v2' ? v20! : v21!;
  return {
    version: {
      ...v,
      links: [...v.links, DESCRIBED_BY],
      'media-types': [
        {
          base: 'application/json',
          type: `application/vnd.openstack.compute+json;version=${which === 'v2' ? '2' : '2.1'}`,
        },
      ],
    },
  };
}

/** Reads the requested microversion onto the request and names it in the answer's headers (errors included). */
async function negotiateVersion(req: FastifyRequest, reply: FastifyReply) {
  req.microversion = requestedVersion(req.headers);
  // Nova names the request in its own header too, besides the common X-OpenStack-Request-Id
  reply.headers({ ...versionHeaders(req.microversion), 'X-Compute-Request-Id': req.id });
}

/** The compute API, registered under the /compute prefix: version discovery and Nova v2.1 at /compute/v2.1. */
export async function computeApi(
  app: FastifyInstance,
  opts: { identity: Identity; compute: Compute; publicUrl: string },
) {
  const root = `${opts.publicUrl}/compute`;
  app.setErrorHandler(novaErrorHandler);
  app.setNotFoundHandler(novaNotFound);
  // Nova answers its unversioned root with 200 (not Glance's 300)
  app.get('/', { config: { public: true } }, async () => ({ versions: versions(root) }));
  // the legacy v2.0 API is listed (as Nova lists it) and describes itself; only v2.1 serves resources
  app.get('/v2', { config: { public: true } }, async () => versionDocument(root, 'v2'));
  app.get('/v2/', { config: { public: true } }, async () => versionDocument(root, 'v2'));
  await app.register(
    async (v21) => {
      v21.addHook('onRequest', requireToken(opts.identity.tokens));
      v21.addHook('onRequest', negotiateVersion);
      v21.addHook('preHandler', refuseNulCharacters);
      v21.get('/', { config: { public: true } }, async () => versionDocument(root, 'v2.1'));
      flavorRoutes(v21, opts.compute);
      keypairRoutes(v21, opts.compute);
      serverRoutes(v21, opts.compute);
      serverGroupRoutes(v21, opts.compute);
      serverMetadataRoutes(v21, opts.compute);
      hostRoutes(v21, opts.compute);
      quotaRoutes(v21, opts.compute);
      simpleTenantUsageRoutes(v21, opts.compute);
    },
    { prefix: '/v2.1' },
  );
}
