import { z } from 'zod';

/** Image records in Cumulo's own (camelCase) terms; the Glance adapter translates to and from Glance's JSON. */
export const DISK_FORMATS = ['raw', 'qcow2', 'iso', 'aki', 'ari', 'ami', 'vmdk', 'vdi'] as const;
export const CONTAINER_FORMATS = ['bare', 'ovf', 'aki', 'ari', 'ami'] as const;
export const VISIBILITIES = ['public', 'private', 'shared', 'community'] as const;
export const IMAGE_STATUSES = [
  'queued',
  'saving',
  'active',
  'killed',
  'deleted',
  'deactivated',
  'uploading',
  'importing',
] as const;
export const MEMBER_STATUSES = ['pending', 'accepted', 'rejected'] as const;

export type TDiskFormat = (typeof DISK_FORMATS)[number];
export type TVisibility = (typeof VISIBILITIES)[number];
export type TImageStatus = (typeof IMAGE_STATUSES)[number];
export type TMemberStatus = (typeof MEMBER_STATUSES)[number];

/**
 * Names that are image attributes, not free-form properties: a property may not take one of them (Glance answers
 * "Attribute 'x' is reserved"), and the read-only ones cannot be written by a client at all.
 */
export const READ_ONLY_ATTRIBUTES = [
  'status',
  'size',
  'virtual_size',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'created_at',
  'updated_at',
  'self',
  'file',
  'schema',
  'direct_url',
  'stores',
] as const;
export const RESERVED_ATTRIBUTES = ['location', 'locations', 'deleted', 'deleted_at', 'owner_id'] as const;

const ZImageName = z.string().max(255, 'must be at most 255 characters').nullable();
export const ZImageTags = z
  .array(z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters'))
  .max(128);
/** Free-form properties: string values, keys up to 255 characters (Glance's image_properties table). */
export const ZImageProperties = z.record(z.string().min(1).max(255), z.string().max(65535));

export const ZCreateImage = z.object({
  id: z.string().uuid().optional(),
  name: ZImageName.default(null),
  diskFormat: z.enum(DISK_FORMATS).nullable().default(null),
  containerFormat: z.enum(CONTAINER_FORMATS).nullable().default(null),
  visibility: z.enum(VISIBILITIES).default('shared'),
  protected: z.boolean().default(false),
  osHidden: z.boolean().default(false),
  minDisk: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  minRam: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0),
  tags: ZImageTags.default([]),
  /** Admins may create an image in another project's name. */
  ownerId: z.string().min(1).max(255).optional(),
  properties: ZImageProperties.default({}),
});
export type TCreateImage = z.input<typeof ZCreateImage>;

/** An update as the JSON-patch ops amount to: attributes to set, properties to set or drop. */
export const ZUpdateImage = z.object({
  name: ZImageName.optional(),
  diskFormat: z.enum(DISK_FORMATS).nullable().optional(),
  containerFormat: z.enum(CONTAINER_FORMATS).nullable().optional(),
  visibility: z.enum(VISIBILITIES).optional(),
  protected: z.boolean().optional(),
  osHidden: z.boolean().optional(),
  minDisk: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  minRam: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  tags: ZImageTags.optional(),
  ownerId: z.string().min(1).max(255).optional(),
  setProperties: ZImageProperties.default({}),
  removeProperties: z.array(z.string()).default([]),
});
export type TUpdateImage = z.input<typeof ZUpdateImage>;

export type TImage = {
  id: string;
  name: string | null;
  status: TImageStatus;
  diskFormat: TDiskFormat | null;
  containerFormat: string | null;
  size: number | null;
  virtualSize: number | null;
  checksum: string | null;
  osHashAlgo: string | null;
  osHashValue: string | null;
  visibility: TVisibility;
  protected: boolean;
  osHidden: boolean;
  minDisk: number;
  minRam: number;
  tags: string[];
  properties: Record<string, string>;
  ownerId: string;
  storeId: string | null;
  location: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export type TImageMember = {
  imageId: string;
  memberId: string;
  status: TMemberStatus;
  createdAt: Date;
  updatedAt: Date;
};

export const SORT_KEYS = [
  'name',
  'status',
  'container_format',
  'disk_format',
  'size',
  'id',
  'created_at',
  'updated_at',
  'visibility',
  'min_disk',
  'min_ram',
] as const;
export type TSortKey = (typeof SORT_KEYS)[number];
export type TSort = { key: TSortKey; dir: 'asc' | 'desc' };

/** What `GET /v2/images` may filter on, already parsed. */
export type TImageListFilter = {
  name?: string;
  visibility?: TVisibility | 'all';
  memberStatus?: TMemberStatus | 'all';
  ownerId?: string;
  status?: string;
  diskFormat?: string;
  containerFormat?: string;
  sizeMin?: number;
  sizeMax?: number;
  protected?: boolean;
  osHidden?: boolean;
  tags?: string[];
  properties?: Record<string, string>;
  ids?: string[];
};
export type TImageListPage = { filter: TImageListFilter; sort: TSort[]; marker?: string; limit: number };
