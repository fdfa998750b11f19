import type { HostFilter } from '../host-state';

/**
 * ServerGroupAffinityFilter and ServerGroupAntiAffinityFilter: members of an `affinity` group share one host; members
 * of an `anti-affinity` group get one host each (or up to `max_server_per_host`). The soft policies are weighers in
 * Nova and never filter.
 */
export const serverGroupFilter: HostFilter = {
  name: 'ServerGroupFilter',
  passes: (h, r) => {
    if (!r.group) return true;
    const { policy, hosts } = r.group;
    if (policy === 'affinity') return hosts.length === 0 || hosts.includes(h.host);
    if (policy === 'anti-affinity') {
      const here = hosts.filter((x) => x === h.host).length;
      return here < (r.group.maxServerPerHost ?? 1);
    }
    return true;
  },
};
