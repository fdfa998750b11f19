import { z } from 'zod';

/** Flavors in Cumulo's own terms; the Nova adapter maps them to Nova's field names per microversion. */
export type TFlavor = {
  id: string;
  name: string;
  vcpus: number;
  ramMb: number;
  diskGb: number;
  ephemeralGb: number;
  swapMb: number;
  rxtxFactor: number;
  isPublic: boolean;
  disabled: boolean;
  description: string | null;
  extraSpecs: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
};

/** Nova's sort keys (its column names) for GET /flavors. */
export const FLAVOR_SORT_KEYS = [
  'created_at',
  'description',
  'disabled',
  'ephemeral_gb',
  'flavorid',
  'id',
  'is_public',
  'memory_mb',
  'name',
  'root_gb',
  'rxtx_factor',
  'swap',
  'updated_at',
  'vcpu_weight',
  'vcpus',
] as const;
export type TFlavorSortKey = (typeof FLAVOR_SORT_KEYS)[number];

export type TFlavorListQuery = {
  /** true: public ones (plus those shared with the caller's project); false: private only; null: all. */
  isPublic: boolean | null;
  minRamMb?: number;
  minDiskGb?: number;
  sortKey: TFlavorSortKey;
  sortDir: 'asc' | 'desc';
  limit: number;
  marker?: string;
};

// the largest value Nova's integer columns take
const MAX_INT = 2 ** 31 - 1;
const ZExtraSpecKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9-_:. ]+$/, 'extra spec keys may contain only letters, digits and -_:. and space');
export const ZExtraSpecs = z.record(ZExtraSpecKey, z.string().max(255));

export const ZCreateFlavor = z.object({
  id: z.string().min(1).max(255).optional(),
  name: z.string().min(1).max(255),
  vcpus: z.number().int().min(1).max(MAX_INT),
  ramMb: z.number().int().min(1).max(MAX_INT),
  diskGb: z.number().int().min(0).max(MAX_INT),
  ephemeralGb: z.number().int().min(0).max(MAX_INT).default(0),
  swapMb: z.number().int().min(0).max(MAX_INT).default(0),
  rxtxFactor: z.number().positive().default(1),
  isPublic: z.boolean().default(true),
  description: z.string().max(65535).nullable().default(null),
});
export type TCreateFlavor = z.input<typeof ZCreateFlavor>;

export type TFlavorAccess = { flavorId: string; projectId: string };
