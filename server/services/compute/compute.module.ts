import type { ComputeDeps } from './compute-deps';
import { ComputeQuotasService } from './compute-quotas.service';
import { HostsService } from './hosts.service';
import { HypervisorsService } from './hypervisors.service';
import './compute-quotas';
import { FlavorsService } from './flavors.service';
import { KeyPairsService } from './keypairs.service';

export type Compute = ReturnType<typeof createCompute>;

/** Wires the compute service's parts (flavors, key pairs, servers, hosts); the one place that knows how they fit. */
export function createCompute(deps: ComputeDeps) {
  return {
    deps,
    flavors: new FlavorsService(deps),
    keypairs: new KeyPairsService(deps),
    hosts: new HostsService(deps),
    hypervisors: new HypervisorsService(deps),
    computeQuotas: new ComputeQuotasService(deps),
  };
}
