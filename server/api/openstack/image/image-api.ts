import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import type { Identity } from '../../../services/identity/identity.module';
import type { Images } from '../../../services/image/image.module';
import { requireToken } from '../request-auth';
import { refuseNulCharacters } from '../validate';
import { glanceErrorHandler, glanceFault } from './v2/glance-faults';
import { imageDataRoutes } from './v2/image-data.routes';
import { imageRoutes } from './v2/images.routes';
import { infoRoutes } from './v2/info.routes';
import { memberRoutes } from './v2/members.routes';
import { schemaRoutes } from './v2/schemas.routes';

export const JSON_PATCH_TYPE = 'application/openstack-images-v2.1-json-patch';

/** The v2 minor versions Glance lists; clients pick the API from the CURRENT one. */
const MINORS = ['2.16', '2.15', '2.9', '2.7', '2.6', '2.5', '2.4', '2.3', '2.2', '2.1', '2.0'];
const versionList = (root: string) => ({
  versions: MINORS.map((v, i) => ({
    id: `v${v}`,
    status: i === 0 ? 'CURRENT' : 'SUPPORTED',
    links: [{ rel: 'self', href: `${root}/v2/` }],
  })),
});

/** The image API, registered under the /image prefix: version discovery and Glance v2 at /image/v2. */
export async function imageApi(app: FastifyInstance, opts: { identity: Identity; images: Images; publicUrl: string }) {
  const root = `${opts.publicUrl}/image`;
  app.setErrorHandler(glanceErrorHandler);
  app.setNotFoundHandler((req, reply) =>
    glanceFault(reply, 404, `The resource could not be found: ${req.method} ${req.url.split('?')[0]}`),
  );
  // image data is passed through as the request stream; the upload route reads it into the store
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
  app.addContentTypeParser(JSON_PATCH_TYPE, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, secureJson.parse(String(body), undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (e) {
      done(Object.assign(new SyntaxError((e as Error).message), { statusCode: 400 }), undefined);
    }
  });
  // Glance answers the unversioned root with 300 Multiple Choices; /versions with 200
  app.get('/', { config: { public: true } }, async (_req, reply) => reply.status(300).send(versionList(root)));
  app.get('/versions', { config: { public: true } }, async () => versionList(root));
  await app.register(
    async (v2) => {
      v2.addHook('onRequest', requireToken(opts.identity.tokens));
      v2.addHook('preHandler', refuseNulsOutsideData);
      v2.get('/', { config: { public: true } }, async (_req, reply) => reply.status(300).send(versionList(root)));
      imageRoutes(v2, opts.images);
      imageDataRoutes(v2, opts.images);
      memberRoutes(v2, opts.images);
      infoRoutes(v2, opts.images);
      schemaRoutes(v2);
    },
    { prefix: '/v2' },
  );
}

/** The NUL check walks parsed bodies; an image upload's body is a stream of bytes, where any byte is fine. */
async function refuseNulsOutsideData(req: FastifyRequest) {
  const body = req.body as { pipe?: unknown } | undefined;
  const isStream = typeof body?.pipe === 'function';
  await refuseNulCharacters(
    isStream ? ({ params: req.params, query: req.query, body: undefined } as FastifyRequest) : req,
  );
}
