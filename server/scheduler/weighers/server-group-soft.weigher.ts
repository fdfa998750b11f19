import type { HostState, RequestSpec } from '../host-state';

/** soft-affinity prefers hosts with more group members, soft-anti-affinity fewer; other policies weigh nothing. */
export function serverGroupSoftWeight(h: HostState, r: RequestSpec): number {
  if (!r.group) return 0;
  const here = r.group.hosts.filter((x) => x === h.host).length;
  if (r.group.policy === 'soft-affinity') return here;
  if (r.group.policy === 'soft-anti-affinity') return -here;
  return 0;
}
