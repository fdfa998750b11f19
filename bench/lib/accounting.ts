import pg from 'pg';
import { resourcesOf, type TInstanceFlavor } from '../../server/services/compute/instance.dto';

type Res = { vcpus: number; memoryMb: number; diskGb: number };
const KEYS = ['vcpus', 'memoryMb', 'diskGb'] as const;

export type HostAccount = {
  host: string;
  capacity: Res;
  used: Res;
  /** What the host's live instances' flavors add up to (the claims' arithmetic, resourcesOf). */
  flavors: Res;
  instances: number;
  runningVms: number;
  /** Domains the host's hypervisor actually has, when known. */
  domains?: number;
};

export type Accounting = {
  hosts: HostAccount[];
  instances: number;
  /** Hosts whose instances' flavors exceed their capacity under the allocation ratios: must be none. */
  overCommitted: HostAccount[];
  /** Hosts whose *Used counters differ from their instances' flavors. */
  countersWrong: HostAccount[];
  /** Hosts whose runningVms differs from their instance count (the heartbeat report overwrites it; see docs). */
  runningVmsWrong: HostAccount[];
  /** Hosts whose hypervisor holds a different number of domains than the database has instances there. */
  domainsWrong: HostAccount[];
  /** Live instances on a host without exactly one claim there, or claims of deleted/unplaced instances. */
  claimMismatches: number;
};

/**
 * Double-booking, checked in the database the control plane committed to: for every host, its live instances'
 * flavors against floor(capacity × allocation ratio), and the claim counters against that sum.
 */
export async function checkAccounting(databaseUrl: string, domains?: Map<string, number>): Promise<Accounting> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const nodes = await c.query<{
      host: string;
      vcpus: number;
      memoryMb: number;
      diskGb: number;
      vcpusUsed: number;
      memoryMbUsed: number;
      diskGbUsed: number;
      runningVms: number;
    }>(`SELECT host, floor(vcpus * "cpuAllocationRatio")::int AS vcpus, floor("memoryMb" * "ramAllocationRatio")::int AS "memoryMb",
               floor("diskGb" * "diskAllocationRatio")::int AS "diskGb", "vcpusUsed", "memoryMbUsed", "diskGbUsed", "runningVms"
        FROM "ComputeNode" ORDER BY host`);
    const live = await c.query<{ id: string; host: string; flavor: TInstanceFlavor }>(
      `SELECT id, host, flavor FROM "Instance" WHERE NOT deleted AND host IS NOT NULL`,
    );
    const claims = await c.query<{ mismatches: number }>(
      `SELECT count(*)::int AS mismatches FROM (
         SELECT i.id FROM "Instance" i LEFT JOIN "ResourceClaim" r ON r."instanceId" = i.id AND r.kind = 'instance' AND r.host = i.host
           WHERE NOT i.deleted AND i.host IS NOT NULL GROUP BY i.id HAVING count(r."instanceId") <> 1
         UNION ALL
         SELECT r."instanceId" FROM "ResourceClaim" r JOIN "Instance" i ON i.id = r."instanceId"
           WHERE i.deleted OR i.host IS NULL OR (r.kind = 'instance' AND i.host <> r.host)
       ) AS bad`,
    );
    const byHost = new Map<string, HostAccount>();
    for (const n of nodes.rows) {
      byHost.set(n.host, {
        host: n.host,
        capacity: { vcpus: n.vcpus, memoryMb: n.memoryMb, diskGb: n.diskGb },
        used: { vcpus: n.vcpusUsed, memoryMb: n.memoryMbUsed, diskGb: n.diskGbUsed },
        flavors: { vcpus: 0, memoryMb: 0, diskGb: 0 },
        instances: 0,
        runningVms: n.runningVms,
        ...(domains && { domains: domains.get(n.host) ?? 0 }),
      });
    }
    for (const i of live.rows) {
      const h = byHost.get(i.host);
      if (!h) continue;
      const r = resourcesOf(i.flavor);
      for (const k of KEYS) h.flavors[k] += r[k];
      h.instances++;
    }
    const hosts = [...byHost.values()];
    return {
      hosts,
      instances: live.rows.length,
      overCommitted: hosts.filter((h) => KEYS.some((k) => h.flavors[k] > h.capacity[k])),
      countersWrong: hosts.filter((h) => KEYS.some((k) => h.flavors[k] !== h.used[k])),
      runningVmsWrong: hosts.filter((h) => h.runningVms !== h.instances),
      domainsWrong: hosts.filter((h) => h.domains !== undefined && h.domains !== h.instances),
      claimMismatches: claims.rows[0]?.mismatches ?? 0,
    };
  } finally {
    await c.end();
  }
}

export const accountingLine = (a: Accounting) =>
  `${a.instances} live instances on ${a.hosts.length} hosts: over-committed hosts ${a.overCommitted.length}, ` +
  `*Used counters ≠ flavors on ${a.countersWrong.length}, claim rows wrong ${a.claimMismatches}, ` +
  `hypervisor domains ≠ instances on ${a.domainsWrong.length}, runningVms ≠ instances on ${a.runningVmsWrong.length}`;
