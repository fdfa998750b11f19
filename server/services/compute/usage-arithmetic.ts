/**
 * How much of a period an instance used, as Nova's os-simple-tenant-usage counts it: from its launch (or the period's
 * start, if later) to its termination (or the period's end, if earlier). An instance that never launched used nothing.
 * Pure: the usage service reads the rows and picks "now".
 */

/** What usage needs of an Instance row (soft-deleted ones included: their hours were used). */
export type TUsageInstance = {
  id: string;
  name: string;
  projectId: string;
  vmState: string;
  flavor: { name: string; vcpus: number; ram: number; disk: number; ephemeral: number };
  launchedAt: Date | null;
  /** When it stopped counting: its termination, or its deletion if no termination was recorded. */
  endedAt: Date | null;
  createdAt: Date;
};

export type TPeriod = { start: Date; stop: Date };

/** One server's share of a period, with Nova's field meanings (local_gb = root + ephemeral disk, swap not counted). */
export type TServerUsage = {
  instanceId: string;
  name: string;
  tenantId: string;
  state: string;
  flavor: string;
  hours: number;
  vcpus: number;
  memoryMb: number;
  localGb: number;
  startedAt: Date | null;
  endedAt: Date | null;
  /** Seconds from launch to termination (or to now while it runs). */
  uptime: number;
};

export type TUsageTotals = {
  totalHours: number;
  totalVcpusUsage: number;
  totalMemoryMbUsage: number;
  totalLocalGbUsage: number;
};

export type TTenantUsage = TUsageTotals & { tenantId: string; start: Date; stop: Date; serverUsages: TServerUsage[] };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Hours of `period` the instance ran. The period's end is capped at `now`: a running instance has not used the
 * hours of a period that reaches into the future (Nova would charge them up to the period's end).
 */
export function hoursIn(i: Pick<TUsageInstance, 'launchedAt' | 'endedAt'>, period: TPeriod, now: Date): number {
  if (!i.launchedAt) return 0;
  const from = Math.max(i.launchedAt.getTime(), period.start.getTime());
  const to = Math.min(i.endedAt?.getTime() ?? Infinity, period.stop.getTime(), now.getTime());
  return to > from ? (to - from) / HOUR_MS : 0;
}

export const localGbOf = (f: TUsageInstance['flavor']) => f.disk + f.ephemeral;

export function serverUsage(i: TUsageInstance, period: TPeriod, now: Date): TServerUsage {
  const until = i.endedAt ?? now;
  return {
    instanceId: i.id,
    name: i.name,
    tenantId: i.projectId,
    state: i.endedAt ? 'terminated' : i.vmState,
    flavor: i.flavor.name,
    hours: hoursIn(i, period, now),
    vcpus: i.flavor.vcpus,
    memoryMb: i.flavor.ram,
    localGb: localGbOf(i.flavor),
    startedAt: i.launchedAt,
    endedAt: i.endedAt,
    uptime: i.launchedAt ? Math.max(0, Math.floor((until.getTime() - i.launchedAt.getTime()) / 1000)) : 0,
  };
}

const zero = (): TUsageTotals => ({ totalHours: 0, totalVcpusUsage: 0, totalMemoryMbUsage: 0, totalLocalGbUsage: 0 });

function add(t: TUsageTotals, s: Pick<TServerUsage, 'hours' | 'vcpus' | 'memoryMb' | 'localGb'>) {
  t.totalHours += s.hours;
  t.totalVcpusUsage += s.vcpus * s.hours;
  t.totalMemoryMbUsage += s.memoryMb * s.hours;
  t.totalLocalGbUsage += s.localGb * s.hours;
}

/** Per project, in the order the instances come (a project appears once it has an instance that was launched). */
export function tenantUsages(instances: TUsageInstance[], period: TPeriod, now: Date): TTenantUsage[] {
  const byProject = new Map<string, TTenantUsage>();
  for (const i of instances) {
    if (!i.launchedAt) continue;
    let t = byProject.get(i.projectId);
    if (!t) {
      t = { tenantId: i.projectId, start: period.start, stop: period.stop, serverUsages: [], ...zero() };
      byProject.set(i.projectId, t);
    }
    const s = serverUsage(i, period, now);
    add(t, s);
    t.serverUsages.push(s);
  }
  return [...byProject.values()];
}

export type TDailyUsage = {
  /** The UTC day, YYYY-MM-DD. */
  date: string;
  instanceHours: number;
  vcpuHours: number;
  memoryMbHours: number;
  diskGbHours: number;
};

/** The UTC midnight `days - 1` days before `now`'s day: the start of a `days`-day window ending today. */
export function windowStart(now: Date, days: number): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (days - 1) * DAY_MS);
}

/** One row per UTC day from `start`'s day to `now`'s, each day's hours counted as for a period of its own. */
export function dailyUsage(instances: TUsageInstance[], start: Date, now: Date): TDailyUsage[] {
  const out: TDailyUsage[] = [];
  for (let day = windowStart(start, 1).getTime(); day <= now.getTime(); day += DAY_MS) {
    const period = { start: new Date(day), stop: new Date(day + DAY_MS) };
    const t = zero();
    for (const i of instances) {
      add(t, {
        hours: hoursIn(i, period, now),
        vcpus: i.flavor.vcpus,
        memoryMb: i.flavor.ram,
        localGb: localGbOf(i.flavor),
      });
    }
    out.push({
      date: period.start.toISOString().slice(0, 10),
      instanceHours: t.totalHours,
      vcpuHours: t.totalVcpusUsage,
      memoryMbHours: t.totalMemoryMbUsage,
      diskGbHours: t.totalLocalGbUsage,
    });
  }
  return out;
}
