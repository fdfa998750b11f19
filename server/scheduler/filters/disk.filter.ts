import type { HostFilter } from '../host-state';

export const diskFilter: HostFilter = { name: 'DiskFilter', passes: (h, r) => h.freeDiskGb >= r.diskGb };
