'use client';

import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@server/trpc/root';
import { CSRF_HEADER } from '@server/lib/session-cookie';

/** `const trpc = useTRPC(); useQuery(trpc.session.me.queryOptions())`: typed by the server's router, types only. */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** Same-origin calls; the session cookie rides along, and every request carries the CSRF header mutations need. */
export const createTrpcClient = () =>
  createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: '/api/trpc', headers: { [CSRF_HEADER]: '1' } })],
  });

/** What a procedure returns, e.g. `RouterOutputs['admin']['projects']['list'][number]` for a project row. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
