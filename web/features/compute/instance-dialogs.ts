import type { QueryClient } from '@tanstack/react-query';
import type { useTRPC } from '@web/lib/trpc';
import type { TServerRow } from './use-instance-events';

type Trpc = ReturnType<typeof useTRPC>;

/**
 * After an action the API accepted: the detail query takes the server's answer at once (its task state shows before
 * the first live event arrives); the fault is the page's own, the answer carries none.
 */
export function showAccepted(queryClient: QueryClient, trpc: Trpc, s: TServerRow) {
  queryClient.setQueryData(trpc.compute.servers.get.queryKey({ id: s.id }), (old) =>
    old ? { ...old, ...s, fault: old.fault } : old,
  );
}
