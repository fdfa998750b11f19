import { availabilityZoneFilter } from './filters/availability-zone.filter';
import { computeFilter } from './filters/compute.filter';
import { coreFilter } from './filters/core.filter';
import { diskFilter } from './filters/disk.filter';
import { imagePropertiesFilter } from './filters/image-properties.filter';
import { ramFilter } from './filters/ram.filter';
import { retryFilter } from './filters/retry.filter';
import { serverGroupFilter } from './filters/server-group.filter';
import type { HostFilter, HostState, RequestSpec } from './host-state';
import { ramWeigher } from './weighers/ram.weigher';
import { serverGroupSoftWeight } from './weighers/server-group-soft.weigher';

export const DEFAULT_FILTERS: HostFilter[] = [
  computeFilter,
  retryFilter,
  availabilityZoneFilter,
  ramFilter,
  coreFilter,
  diskFilter,
  imagePropertiesFilter,
  serverGroupFilter,
];

export type Selection = { hosts: HostState[]; /** Why each filtered-out host failed, for the NoValidHost fault. */ rejected: Record<string, string> };

/**
 * Nova's FilterScheduler in one pure function: keep the hosts every filter passes, then order them by weight
 * (normalised to 0..1 per weigher as Nova does, times the multiplier). Ties keep the hosts' name order, so
 * the result is deterministic. `spread` > 0 spreads by free RAM, < 0 packs.
 */
export function selectDestinations(hosts: HostState[], req: RequestSpec, opts: { ramMultiplier: number; filters?: HostFilter[] }): Selection {
  const filters = opts.filters ?? DEFAULT_FILTERS;
  const rejected: Record<string, string> = {};
  const passing = hosts.filter((h) => {
    const failed = filters.find((f) => !f.passes(h, req));
    if (failed) rejected[h.host] = failed.name;
    return !failed;
  });
  const ram = ramWeigher(opts.ramMultiplier);
  const norm = normaliser(passing.map((h) => ram.weigh(h)));
  const soft = normaliser(passing.map((h) => serverGroupSoftWeight(h, req)));
  const weight = new Map(passing.map((h) => [h.host, norm(ram.weigh(h)) * ram.multiplier + soft(serverGroupSoftWeight(h, req))]));
  const ordered = [...passing].sort((a, b) => weight.get(b.host)! - weight.get(a.host)! || (a.host < b.host ? -1 : 1));
  return { hosts: ordered, rejected };
}

/** Maps values onto 0..1 (all equal → 0), so weighers with different units can be added. */
function normaliser(values: number[]): (v: number) => number {
  const min = Math.min(...values);
  const max = Math.max(...values);
  return (v) => (max === min ? 0 : (v - min) / (max - min));
}
