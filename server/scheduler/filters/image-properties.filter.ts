import type { HostFilter } from '../host-state';

/** Nova's ImagePropertiesFilter, for the property our hosts differ in: `hypervisor_type` (qemu, test). */
export const imagePropertiesFilter: HostFilter = {
  name: 'ImagePropertiesFilter',
  passes: (h, r) => {
    const wanted = r.imageProperties.hypervisor_type ?? r.imageProperties.img_hv_type;
    return !wanted || wanted.toLowerCase() === h.hypervisorType.toLowerCase();
  },
};
