import type { HostFilter } from '../host-state';

export const availabilityZoneFilter: HostFilter = {
  name: 'AvailabilityZoneFilter',
  passes: (h, r) => !r.availabilityZone || h.availabilityZone === r.availabilityZone,
};
