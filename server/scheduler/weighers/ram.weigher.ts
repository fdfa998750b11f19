import type { HostWeigher } from '../host-state';

/**
 * Nova's RAMWeigher: more free RAM weighs more. A positive multiplier spreads instances over hosts (the default);
 * a negative one packs them onto the fullest host that still fits.
 */
export const ramWeigher = (multiplier: number): HostWeigher => ({ name: 'RAMWeigher', weigh: (h) => h.freeRamMb, multiplier });
