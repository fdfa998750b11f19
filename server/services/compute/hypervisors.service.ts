import { AppError } from '../../lib/errors';
import type { AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import type { THypervisor, THypervisorQuery, THypervisorStatistics, TComputeNode } from './host.dto';
import type { ComputeDeps } from './compute-deps';
import { HostsService, normalizeUuid } from './hosts.service';

/** The most hypervisors one page holds, whatever the client asks (Nova's [api] max_limit). */
export const HYPERVISOR_PAGE_MAX = 1000;

/** os-hypervisors: the compute nodes with their capacity, what the scheduler claimed on them and their servers. */
export class HypervisorsService {
  private readonly hosts: HostsService;

  constructor(deps: Pick<ComputeDeps, 'db'>) {
    this.hosts = new HostsService(deps);
  }

  /**
   * One page of hypervisors (or every one matching `pattern`, which does not page, as in Nova). `limit` in the answer
   * is the page size used, so the adapter can tell whether a next page may exist.
   */
  async list(
    ctx: AuthContext,
    query: THypervisorQuery & { detail: boolean },
  ): Promise<{ hypervisors: THypervisor[]; limit?: number }> {
    enforce(ctx, query.detail ? 'os_compute_api:os-hypervisors:list-detail' : 'os_compute_api:os-hypervisors:list');
    const repo = this.hosts.repo;
    if (query.pattern !== undefined) {
      if (query.limit !== undefined || query.marker !== undefined) {
        throw new AppError(
          'BadRequest',
          'Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.',
        );
      }
      const found = await repo.search(query.pattern);
      if (!found.length) throw new AppError('NotFound', `No hypervisor matching '${query.pattern}' could be found.`);
      return { hypervisors: await this.decorate(found, query.withServers ?? false) };
    }
    let after: TComputeNode | undefined;
    if (query.marker !== undefined) {
      const id = normalizeUuid(query.marker);
      after = (id && (await repo.byHypervisorId(id))) || undefined;
      if (!after) throw new AppError('BadRequest', `marker [${query.marker}] not found`);
    }
    const limit = Math.min(query.limit ?? HYPERVISOR_PAGE_MAX, HYPERVISOR_PAGE_MAX);
    const page = await repo.page(limit, after);
    return { hypervisors: await this.decorate(page, query.withServers ?? false), limit };
  }

  async get(ctx: AuthContext, hypervisorId: string, opts: { withServers?: boolean } = {}): Promise<THypervisor> {
    enforce(ctx, 'os_compute_api:os-hypervisors:show');
    const [found] = await this.decorate([await this.find(hypervisorId)], opts.withServers ?? false);
    return found!;
  }

  /**
   * GET /os-hypervisors/{id}/uptime (before 2.88). Agents do not report the host's uptime yet, so it is null and the
   * adapter answers as Nova does for a driver without it (501).
   */
  async uptime(ctx: AuthContext, hypervisorId: string): Promise<{ hypervisor: THypervisor; uptime: string | null }> {
    enforce(ctx, 'os_compute_api:os-hypervisors:uptime');
    const [found] = await this.decorate([await this.find(hypervisorId)], false);
    return { hypervisor: found!, uptime: null };
  }

  /** Sums over the hosts whose service is enabled, as Nova's compute_node_statistics does. */
  async statistics(ctx: AuthContext): Promise<THypervisorStatistics> {
    enforce(ctx, 'os_compute_api:os-hypervisors:statistics');
    const nodes = (await this.hosts.repo.list()).filter((n) => n.enabled);
    const workload = await this.hosts.repo.workload(nodes.map((n) => n.host));
    const sum = (f: (n: TComputeNode) => number) => nodes.reduce((acc, n) => acc + f(n), 0);
    return {
      count: nodes.length,
      vcpus: sum((n) => n.vcpus),
      vcpusUsed: sum((n) => n.vcpusUsed),
      memoryMb: sum((n) => n.memoryMb),
      memoryMbUsed: sum((n) => n.memoryMbUsed),
      diskGb: sum((n) => n.diskGb),
      diskGbUsed: sum((n) => n.diskGbUsed),
      freeRamMb: sum((n) => n.memoryMb - n.memoryMbUsed),
      freeDiskGb: sum((n) => n.diskGb - n.diskGbUsed),
      runningVms: sum((n) => n.runningVms),
      currentWorkload: sum((n) => workload.get(n.host) ?? 0),
      diskAvailableLeast: sum((n) => n.diskGb - n.diskGbUsed),
    };
  }

  private async find(hypervisorId: string): Promise<TComputeNode> {
    const id = normalizeUuid(hypervisorId);
    const node = id && (await this.hosts.repo.byHypervisorId(id));
    if (!node) throw new AppError('NotFound', `Hypervisor with ID '${hypervisorId}' could not be found.`);
    return node;
  }

  private async decorate(nodes: TComputeNode[], withServers: boolean): Promise<THypervisor[]> {
    const hosts = nodes.map((n) => n.host);
    const [workload, servers] = await Promise.all([
      this.hosts.repo.workload(hosts),
      withServers ? this.hosts.repo.servers(hosts) : Promise.resolve(undefined),
    ]);
    return this.hosts.withState(nodes).map((s) => ({
      ...s,
      currentWorkload: workload.get(s.host) ?? 0,
      ...(servers && { servers: servers.get(s.host) ?? [] }),
    }));
  }
}
