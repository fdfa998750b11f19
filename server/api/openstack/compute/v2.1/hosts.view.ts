import type { FastifyRequest } from 'fastify';
import type {
  TAvailabilityZone,
  TComputeService,
  THypervisor,
  THypervisorStatistics,
} from '../../../../services/compute/host.dto';
import { COMPUTE_BINARY, legacyServiceId } from '../../../../services/compute/hosts.service';
import { atLeast } from '../microversion';

/**
 * Nova JSON for os-services, os-hypervisors and os-availability-zone. Ids are UUIDs, as Nova's from 2.53. Before
 * 2.53 Nova showed integers: services show an integer derived from their UUID there (legacyServiceId; Tempest's
 * 2.1 schema insists), hypervisors keep their UUID (clients and Tempest accept a string).
 */

/** Nova's timestamps: ISO 8601 with microseconds and no zone ("2026-12-02T18:12:28.123000"). */
export const novaTime = (d: Date) => d.toISOString().replace('Z', '000');

/** One nova-compute service, as GET /os-services lists it (and PUT answers it from 2.53). */
export function serviceView(req: FastifyRequest, s: TComputeService) {
  return {
    id: atLeast(req, '2.53') ? s.serviceId : legacyServiceId(s.serviceId),
    binary: COMPUTE_BINARY,
    host: s.host,
    zone: s.availabilityZone,
    status: s.enabled ? 'enabled' : 'disabled',
    state: s.up ? 'up' : 'down',
    updated_at: novaTime(s.lastHeartbeatAt),
    disabled_reason: s.disabledReason,
    ...(atLeast(req, '2.11') && { forced_down: s.forcedDown }),
  };
}

/** The capacity fields Nova dropped from the detailed view in 2.88 (placement reports them now). */
function capacity(req: FastifyRequest, h: THypervisor) {
  const freeDisk = h.diskGb - h.diskGbUsed;
  return {
    vcpus: h.vcpus,
    memory_mb: h.memoryMb,
    local_gb: h.diskGb,
    vcpus_used: h.vcpusUsed,
    memory_mb_used: h.memoryMbUsed,
    local_gb_used: h.diskGbUsed,
    free_ram_mb: h.memoryMb - h.memoryMbUsed,
    free_disk_gb: freeDisk,
    current_workload: h.currentWorkload,
    running_vms: h.runningVms,
    disk_available_least: freeDisk,
    // agents report no CPU model yet: an empty object (a JSON string of one before 2.28)
    cpu_info: atLeast(req, '2.28') ? {} : '{}',
  };
}

/**
 * A hypervisor: the summary (id, hostname, state, status) or the detail. `servers` is shown when the host runs some,
 * and from 2.75 also as [] when asked for with with_servers.
 */
export function hypervisorView(req: FastifyRequest, h: THypervisor, opts: { detail: boolean; withServers?: boolean }) {
  const v288 = atLeast(req, '2.88');
  return {
    id: h.hypervisorId,
    hypervisor_hostname: h.host,
    state: h.up ? 'up' : 'down',
    status: h.enabled ? 'enabled' : 'disabled',
    ...(opts.detail && {
      hypervisor_type: h.hypervisorType,
      hypervisor_version: h.hypervisorVersion,
      host_ip: h.hostIp,
      service: { host: h.host, id: h.serviceId, disabled_reason: h.disabledReason },
      ...(v288 ? { uptime: null } : capacity(req, h)),
    }),
    ...(h.servers?.length
      ? { servers: h.servers.map((s) => ({ name: s.name, uuid: s.id })) }
      : opts.withServers && atLeast(req, '2.75') && { servers: [] }),
  };
}

export function statisticsView(s: THypervisorStatistics) {
  return {
    hypervisor_statistics: {
      count: s.count,
      vcpus: s.vcpus,
      vcpus_used: s.vcpusUsed,
      memory_mb: s.memoryMb,
      memory_mb_used: s.memoryMbUsed,
      local_gb: s.diskGb,
      local_gb_used: s.diskGbUsed,
      free_ram_mb: s.freeRamMb,
      free_disk_gb: s.freeDiskGb,
      running_vms: s.runningVms,
      current_workload: s.currentWorkload,
      disk_available_least: s.diskAvailableLeast,
    },
  };
}

/** os-availability-zone: `hosts` is null in the summary and for unavailable zones. */
export function availabilityZonesView(zones: TAvailabilityZone[]) {
  return {
    availabilityZoneInfo: zones.map((z) => ({
      zoneName: z.name,
      zoneState: { available: z.available },
      hosts: z.hosts
        ? Object.fromEntries(
            z.hosts.map((h) => [
              h.host,
              { [COMPUTE_BINARY]: { available: h.up, active: h.enabled, updated_at: novaTime(h.updatedAt) } },
            ]),
          )
        : null,
    })),
  };
}
