'use client';

import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isClientError, isUnauthorized } from './errors';
import { loginUrlFor } from './next-path';

/**
 * An expired or revoked session answers UNAUTHORIZED to any call: wherever it happens, the user is sent to sign in
 * again and brought back afterwards. (The login page's own "wrong password" is an UNAUTHORIZED too: not redirected.)
 */
function onError(error: unknown) {
  if (typeof window === 'undefined' || !isUnauthorized(error)) return;
  const { pathname, search } = window.location;
  if (pathname === '/login') return;
  window.location.assign(loginUrlFor(pathname + search));
}

export const makeQueryClient = () =>
  new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // a 4xx is an answer, not a hiccup
        retry: (failures, error) => !isClientError(error) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
