import type { HostFilter } from '../host-state';

export const coreFilter: HostFilter = { name: 'CoreFilter', passes: (h, r) => h.freeVcpus >= r.vcpus };
