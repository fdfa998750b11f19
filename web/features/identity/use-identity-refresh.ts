'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@web/lib/trpc';

/**
 * After an identity change, the lists that may show it: admin tables and the user's own project switcher
 * (an admin may have granted themselves a role, or renamed a project they are in).
 */
export function useIdentityRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.session.projects.queryKey() }),
    ]);
}
