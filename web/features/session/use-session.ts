'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@web/lib/trpc';

/** The signed-in user, their project and roles. UNAUTHORIZED here sends the browser to the login page. */
export function useSession() {
  const trpc = useTRPC();
  return useQuery(trpc.session.me.queryOptions(undefined, { staleTime: 60_000 }));
}
