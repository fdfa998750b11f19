import { accountRouter } from './routers/account.router';
import { computeAdminRouter } from './routers/compute-admin.router';
import { computeRouter } from './routers/compute.router';
import { identityAdminRouter } from './routers/identity-admin.router';
import { imagesRouter } from './routers/images.router';
import { sessionRouter } from './routers/session.router';
import { usageRouter } from './routers/usage.router';
import { createCallerFactory, router } from './trpc';

/** Every tRPC router the dashboard calls; the web imports only the AppRouter *type*. */
export const appRouter = router({
  session: sessionRouter,
  admin: identityAdminRouter,
  compute: computeRouter,
  images: imagesRouter,
  computeAdmin: computeAdminRouter,
  account: accountRouter,
  usage: usageRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures without HTTP: `createCaller(createInnerContext({ identity, token }))`. */
export const createCaller = createCallerFactory(appRouter);
