import { isMissingRow } from '../../db/errors';
import { AppError } from '../../lib/errors';
import type { AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import type { ComputeDeps } from './compute-deps';
import {
  ZComputeNodeReport,
  type TAvailabilityZone,
  type TComputeNode,
  type TComputeNodeReport,
  type TComputeService,
  type TServiceUpdate,
} from './host.dto';
import { HostsRepository } from './hosts.repository';

/**
 * Seconds without a heartbeat after which a compute service counts as down (Nova's `service_down_time`, default 60);
 * a running cloud takes it from COMPUTE_SERVICE_DOWN_SECONDS.
 */
export const SERVICE_DOWN_SECONDS = 60;

/** The only service binary Cumulo's os-services lists: the API, scheduler and conductor are one controller process. */
export const COMPUTE_BINARY = 'nova-compute';

/**
 * Whether a host's compute service is up: it heartbeat within `downSeconds` and no operator forced it down.
 * A heartbeat "in the future" (clock skew between hosts) counts as recent, as in Nova's DB servicegroup driver.
 */
export function isUp(
  node: Pick<TComputeNode, 'lastHeartbeatAt' | 'forcedDown'>,
  now: Date = new Date(),
  downSeconds = SERVICE_DOWN_SECONDS,
): boolean {
  if (node.forcedDown) return false;
  return Math.abs(now.getTime() - node.lastHeartbeatAt.getTime()) <= downSeconds * 1000;
}

/** Nova accepts a UUID with or without dashes, in any case; ours are stored dashed and lowercase. */
export function normalizeUuid(id: string): string | null {
  if (!/^[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}$/.test(id)) return null;
  const hex = id.replaceAll('-', '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The integer id os-services showed before microversion 2.53 (clients and Tempest's schemas expect an integer
 * there): 31 bits of the service UUID. Hosts are few, so a lookup by it scans them; a clash is refused as Nova
 * refuses an ambiguous id.
 */
export function legacyServiceId(serviceId: string): number {
  return parseInt(serviceId.replaceAll('-', '').slice(0, 8), 16) & 0x7fffffff || 1;
}

/**
 * Compute hosts: what agents report (via the conductor), the os-services view operators enable and disable, and the
 * availability zones the hosts make up. Hypervisor listings are in hypervisors.service.ts.
 */
export class HostsService {
  readonly repo: HostsRepository;
  private readonly downSeconds: number;

  constructor(
    deps: Pick<ComputeDeps, 'db'> & { config?: Pick<ComputeDeps['config'], 'COMPUTE_SERVICE_DOWN_SECONDS'> },
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.downSeconds = deps.config?.COMPUTE_SERVICE_DOWN_SECONDS ?? SERVICE_DOWN_SECONDS;
    this.repo = new HostsRepository(deps.db);
  }

  // ── what the conductor calls for agents ──

  /**
   * An agent's report of its host: the first one creates the node (with new service and hypervisor ids), later ones
   * refresh capacity and count as a heartbeat. An operator's enable/disable/force-down survives every report.
   */
  async recordReport(report: TComputeNodeReport): Promise<TComputeNode> {
    const parsed = ZComputeNodeReport.safeParse(report);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.') || '<report>';
      throw new AppError('BadRequest', `Invalid compute node report, field '${field}': ${issue.message}`, { field });
    }
    return this.repo.upsertReport(parsed.data, this.clock());
  }

  /** A liveness ping; false when the host has no node (its service was deleted): the agent should report in full. */
  heartbeat(host: string): Promise<boolean> {
    return this.repo.touch(host, this.clock());
  }

  listNodes(): Promise<TComputeNode[]> {
    return this.repo.list();
  }

  getNode(host: string): Promise<TComputeNode | null> {
    return this.repo.byHost(host);
  }

  /** Hosts whose service is down now (silent for SERVICE_DOWN_SECONDS, or forced down): the conductor's sweep. */
  async downHosts(): Promise<string[]> {
    return this.withState(await this.repo.list())
      .filter((s) => !s.up)
      .map((s) => s.host);
  }

  // ── os-services ──

  /** Only nova-compute rows: there are no separate scheduler or conductor services to list (see COMPUTE_BINARY). */
  async listServices(ctx: AuthContext, filter: { host?: string; binary?: string } = {}): Promise<TComputeService[]> {
    enforce(ctx, 'os_compute_api:os-services:list');
    if (filter.binary && filter.binary !== COMPUTE_BINARY) return [];
    return this.withState(await this.repo.list({ host: filter.host || undefined }));
  }

  /** PUT /os-services/{service_id} (2.53+): enable, disable (with an optional reason) and/or force down. */
  async updateService(ctx: AuthContext, serviceId: string, change: TServiceUpdate): Promise<TComputeService> {
    enforce(ctx, 'os_compute_api:os-services:update');
    const node = await this.serviceOrThrow(serviceId);
    return this.applyUpdate(node, change);
  }

  /** The pre-2.53 form, naming the service by host and binary (PUT /os-services/disable and friends). */
  async updateServiceByHost(
    ctx: AuthContext,
    host: string,
    binary: string,
    change: TServiceUpdate,
  ): Promise<TComputeService> {
    enforce(ctx, 'os_compute_api:os-services:update');
    if (binary !== COMPUTE_BINARY) {
      throw new AppError(
        'BadRequest',
        `Updating a ${binary} service is not supported. Only nova-compute services can be updated.`,
      );
    }
    const node = await this.repo.byHost(host);
    if (!node) throw new AppError('NotFound', `Could not find binary ${binary} on host ${host}.`);
    return this.applyUpdate(node, change);
  }

  /** Removes a host's service and node; refused while anything still lives there (Nova's 409). */
  async deleteService(ctx: AuthContext, serviceId: string): Promise<void> {
    enforce(ctx, 'os_compute_api:os-services:delete');
    const node = await this.serviceOrThrow(serviceId);
    await this.repo.withLockedNode(node.host, async (tx) => {
      const { instances, migrating, claims } = await this.repo.occupancy(tx, node.host);
      if (instances || claims) {
        throw new AppError(
          'Conflict',
          'Unable to delete compute service that is hosting instances. Migrate or delete the instances first.',
        );
      }
      if (migrating) {
        throw new AppError(
          'Conflict',
          'Unable to delete compute service that has in-progress migrations. Complete the migrations or delete the instances first.',
        );
      }
      await this.repo.deleteNode(tx, node.host);
    });
  }

  // ── os-availability-zone ──

  /**
   * Zones with at least one enabled compute service are available (as Nova decides it, whatever the hosts'
   * liveness); zones whose every service is disabled are listed as not available. The detailed listing names each
   * available zone's enabled hosts with their nova-compute state.
   */
  async availabilityZones(ctx: AuthContext, opts: { detail: boolean }): Promise<TAvailabilityZone[]> {
    if (opts.detail) enforce(ctx, 'os_compute_api:os-availability-zone:detail');
    // Nova's rule for the summary is "anyone": the caller's own project is the target
    else enforce(ctx, 'os_compute_api:os-availability-zone:list', { projectId: ctx.projectId ?? undefined });
    const services = this.withState(await this.repo.list());
    const zones = new Map<string, TComputeService[]>();
    for (const s of services) zones.set(s.availabilityZone, [...(zones.get(s.availabilityZone) ?? []), s]);
    const result: TAvailabilityZone[] = [];
    for (const [name, members] of zones) {
      const enabled = members.filter((s) => s.enabled);
      result.push({
        name,
        available: enabled.length > 0,
        ...(opts.detail &&
          enabled.length > 0 && {
            hosts: enabled.map((s) => ({ host: s.host, up: s.up, enabled: true, updatedAt: s.lastHeartbeatAt })),
          }),
      });
    }
    // available zones first, as Nova lists them, each group by name
    return result.sort((a, b) => Number(b.available) - Number(a.available) || a.name.localeCompare(b.name));
  }

  /** Host aggregates are not modelled yet: none, for clients that list them beside a host (hypervisor show). */
  async listAggregates(ctx: AuthContext): Promise<never[]> {
    enforce(ctx, 'os_compute_api:os-aggregates:index');
    return [];
  }

  // ── helpers ──

  /** Whether the host's service is up now, by this cloud's COMPUTE_SERVICE_DOWN_SECONDS. */
  isUp(node: Pick<TComputeNode, 'lastHeartbeatAt' | 'forcedDown'>): boolean {
    return isUp(node, this.clock(), this.downSeconds);
  }

  withState(nodes: TComputeNode[]): TComputeService[] {
    const now = this.clock();
    return nodes.map((n) => ({ ...n, up: isUp(n, now, this.downSeconds) }));
  }

  /** By UUID, or by the integer id clients before 2.53 were shown (see legacyServiceId). */
  private async serviceOrThrow(serviceId: string): Promise<TComputeNode> {
    if (/^[0-9]{1,10}$/.test(serviceId)) {
      const matches = (await this.repo.list()).filter((n) => legacyServiceId(n.serviceId) === Number(serviceId));
      if (matches.length > 1) throw new AppError('BadRequest', `Service id ${serviceId} refers to multiple services.`);
      if (matches[0]) return matches[0];
      throw new AppError('NotFound', `Service ${serviceId} not found.`);
    }
    const id = normalizeUuid(serviceId);
    const node = id && (await this.repo.byServiceId(id));
    if (!node) throw new AppError('NotFound', `Service ${serviceId} not found.`);
    return node;
  }

  private async applyUpdate(node: TComputeNode, change: TServiceUpdate): Promise<TComputeService> {
    const data: { enabled?: boolean; disabledReason?: string | null; forcedDown?: boolean } = {};
    if (change.status === 'enabled') {
      if (change.disabledReason)
        throw new AppError('BadRequest', "Specifying 'disabled_reason' with status 'enabled' is invalid.");
      Object.assign(data, { enabled: true, disabledReason: null });
    } else if (change.status === 'disabled') {
      Object.assign(data, { enabled: false, disabledReason: change.disabledReason ?? null });
    }
    if (change.forcedDown !== undefined) data.forcedDown = change.forcedDown;
    if (!Object.keys(data).length) {
      throw new AppError(
        'BadRequest',
        "No updates were requested. Fields 'status' or 'forced_down' should be specified.",
      );
    }
    try {
      const [updated] = this.withState([await this.repo.updateService(node.host, data)]);
      return updated!;
    } catch (e) {
      // deleted between the lookup and the update
      if (isMissingRow(e)) throw new AppError('NotFound', `Service ${node.serviceId} not found.`);
      throw e;
    }
  }
}
