import { ClaimsRepository } from './claims.repository';
import type { ComputeDeps } from './compute-deps';
import { ComputeQuotasService } from './compute-quotas.service';
import './compute-quotas';
import { FlavorsService } from './flavors.service';
import { HostsService } from './hosts.service';
import { HypervisorsService } from './hypervisors.service';
import { InstancesRepository } from './instances.repository';
import { KeyPairsService } from './keypairs.service';
import { InstanceLifecycle } from './lifecycle.service';
import type { ServerDeps } from './server-deps';
import { ServersService } from './servers.service';
import { setLocked } from './server-actions';
import { UsageService } from './usage.service';
import { ServerGroupsService } from './server-groups.service';
import { ServerMetadataService } from './server-metadata.service';
import type { AuthContext } from '../../policy/auth-context';

export type Compute = ReturnType<typeof createCompute>;

/** Wires the compute service's parts (flavors, key pairs, servers, hosts); the one place that knows how they fit. */
export function createCompute(deps: ComputeDeps) {
  const flavors = new FlavorsService(deps);
  const keypairs = new KeyPairsService(deps);
  const hosts = new HostsService(deps);
  const repo = new InstancesRepository(deps.db);
  const claims = new ClaimsRepository();
  const lifecycle = new InstanceLifecycle({
    db: deps.db,
    repo,
    claims,
    quotas: deps.quotas,
    bus: deps.bus,
    maxAttempts: deps.config.COMPUTE_MAX_BUILD_ATTEMPTS,
  });
  const serverDeps: ServerDeps = {
    db: deps.db,
    bus: deps.bus,
    repo,
    claims,
    lifecycle,
    quotas: deps.quotas,
    flavors,
    keypairs,
    hosts,
    images: deps.images.images,
    imageRecords: deps.images.repo,
    imageUrl: `${deps.config.publicUrl}/image`,
  };
  return {
    deps,
    flavors,
    keypairs,
    hosts,
    hypervisors: new HypervisorsService(deps),
    computeQuotas: new ComputeQuotasService(deps),
    servers: new ServersService(serverDeps),
    serverGroups: new ServerGroupsService(deps),
    serverMetadata: new ServerMetadataService(serverDeps),
    usage: new UsageService(deps),
    /** os-lock-server, beside the other actions in server-actions.ts. */
    serverLocks: { set: (ctx: AuthContext, id: string, locked: boolean) => setLocked(serverDeps, ctx, id, locked) },
    /** For the scheduler and conductor roles (server/scheduler, server/conductor), not for request handlers. */
    internals: { instances: repo, lifecycle, imageRecords: deps.images.repo, imageUrl: serverDeps.imageUrl },
  };
}
