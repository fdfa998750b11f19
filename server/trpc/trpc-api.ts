import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { FastifyInstance } from 'fastify';
import { logger } from '../lib/logger';
import type { QuotaService } from '../quota/quota.service';
import type { Compute } from '../services/compute/compute.module';
import type { Identity } from '../services/identity/identity.module';
import type { Images } from '../services/image/image.module';
import { appRouter, type AppRouter } from './root';
import { createContextFactory, isUnexpected } from './trpc';

const log = logger.child({ c: 'trpc' });

/** tRPC over HTTP, registered under the /api/trpc prefix (see http/server.ts). */
export async function trpcApi(
  app: FastifyInstance,
  opts: { identity: Identity; compute: Compute; images: Images; quotas: QuotaService; publicUrl: string },
) {
  const trpcOptions: FastifyTRPCPluginOptions<AppRouter>['trpcOptions'] = {
    router: appRouter,
    // the cookie is Secure when the dashboard is served over https
    createContext: createContextFactory({
      identity: opts.identity,
      compute: opts.compute,
      images: opts.images,
      quotas: opts.quotas,
      secureCookies: opts.publicUrl.startsWith('https:'),
    }),
    onError({ error, path, req }) {
      if (isUnexpected(error)) log.error({ err: error.cause ?? error, path, reqId: req.id }, 'tRPC procedure failed');
    },
  };
  await app.register(fastifyTRPCPlugin, { trpcOptions });
}
