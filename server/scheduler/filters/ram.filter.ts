import type { HostFilter } from '../host-state';

export const ramFilter: HostFilter = { name: 'RamFilter', passes: (h, r) => h.freeRamMb >= r.memoryMb };
