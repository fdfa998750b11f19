import type { ComputeDeps } from './compute-deps';
import './compute-quotas';

export type Compute = ReturnType<typeof createCompute>;

/** Wires the compute service's parts (flavors, key pairs, servers, hosts); the one place that knows how they fit. */
export function createCompute(deps: ComputeDeps) {
  return {
    deps,
  };
}
