import { z } from 'zod';

/** Nova's limits on what a boot request may carry. */
export const MAX_USER_DATA_BYTES = 65_535;
export const MAX_METADATA_LENGTH = 255;

const ZServerName = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .refine((s) => s.trim() === s && s.trim() !== '', 'must not have leading or trailing whitespace');

export const ZMetadata = z.record(
  z.string().min(1, 'metadata keys must not be empty').max(MAX_METADATA_LENGTH, `metadata keys must be at most ${MAX_METADATA_LENGTH} characters`),
  z.string().max(MAX_METADATA_LENGTH, `metadata values must be at most ${MAX_METADATA_LENGTH} characters`),
);

/** A boot request in Cumulo's own terms; the Nova adapter maps `server` JSON onto it. */
export const ZCreateServer = z
  .object({
    name: ZServerName,
    description: z.string().max(255).nullable().default(null),
    imageId: z.string().min(1, 'an image is required'),
    flavorId: z.string().min(1, 'a flavor is required'),
    keyName: z.string().min(1).max(255).nullable().default(null),
    /** Base64, as Nova takes it; at most 64 KiB once encoded. */
    userData: z
      .string()
      .max(MAX_USER_DATA_BYTES, `user data must be at most ${MAX_USER_DATA_BYTES} bytes once base64-encoded`)
      .refine((s) => /^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(s), 'user data must be base64-encoded')
      .nullable()
      .default(null),
    metadata: ZMetadata.default({}),
    availabilityZone: z.string().min(1).max(255).nullable().default(null),
    serverGroupId: z.string().nullable().default(null),
    minCount: z.number().int().min(1).default(1),
    maxCount: z.number().int().min(1).optional(),
    adminPass: z.string().max(255).optional(),
  })
  .refine((s) => s.maxCount === undefined || s.maxCount >= s.minCount, {
    message: 'min_count must be <= max_count',
    path: ['minCount'],
  });
export type TCreateServer = z.input<typeof ZCreateServer>;

export const ZUpdateServer = z.object({ name: ZServerName.optional(), description: z.string().max(255).nullable().optional() });
export type TUpdateServer = z.infer<typeof ZUpdateServer>;

export type TServerListQuery = {
  allProjects: boolean;
  projectId?: string;
  status?: string;
  name?: string;
  host?: string;
  imageId?: string;
  flavorId?: string;
  reservationId?: string;
  changesSince?: Date;
  deleted?: boolean;
  limit: number;
  marker?: string;
  sortKey: 'created_at' | 'display_name' | 'updated_at' | 'vm_state' | 'host' | 'uuid';
  sortDir: 'asc' | 'desc';
};
