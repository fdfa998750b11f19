import type { TServerUsage, TTenantUsage } from '../../../../services/compute/usage-arithmetic';

/** Nova prints these times as naive UTC with microseconds: 2012-10-08T20:10:44.587336. */
const novaTime = (d: Date | null) => (d ? `${d.toISOString().slice(0, -1)}000` : null);

const serverUsageView = (s: TServerUsage) => ({
  instance_id: s.instanceId,
  name: s.name,
  tenant_id: s.tenantId,
  state: s.state,
  flavor: s.flavor,
  hours: s.hours,
  vcpus: s.vcpus,
  memory_mb: s.memoryMb,
  local_gb: s.localGb,
  started_at: novaTime(s.startedAt),
  ended_at: novaTime(s.endedAt),
  uptime: s.uptime,
});

/** One project's usage; `server_usages` only when asked for (always on show). */
export const tenantUsageView = (u: TTenantUsage, detailed: boolean) => ({
  tenant_id: u.tenantId,
  start: novaTime(u.start),
  stop: novaTime(u.stop),
  total_hours: u.totalHours,
  total_vcpus_usage: u.totalVcpusUsage,
  total_memory_mb_usage: u.totalMemoryMbUsage,
  total_local_gb_usage: u.totalLocalGbUsage,
  ...(detailed && { server_usages: u.serverUsages.map(serverUsageView) }),
});

/** The last instance of a page, the marker of the next one (instances are paged, not projects). */
export const lastInstanceOf = (usages: TTenantUsage[]) => usages.at(-1)?.serverUsages.at(-1)?.instanceId;
export const instanceCount = (usages: TTenantUsage[]) => usages.reduce((n, u) => n + u.serverUsages.length, 0);
