import type { HostFilter } from '../host-state';

/** Nova's ComputeFilter: the host's service is enabled and has sent a heartbeat recently. */
export const computeFilter: HostFilter = { name: 'ComputeFilter', passes: (h) => h.enabled && h.up };
