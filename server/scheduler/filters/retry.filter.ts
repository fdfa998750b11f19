import type { HostFilter } from '../host-state';

/** A rescheduled build goes to a host it has not failed on yet. */
export const retryFilter: HostFilter = { name: 'RetryFilter', passes: (h, r) => !r.triedHosts.includes(h.host) };
