import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import {
  CONTAINER_FORMATS,
  DISK_FORMATS,
  MEMBER_STATUSES,
  READ_ONLY_ATTRIBUTES,
  RESERVED_ATTRIBUTES,
  SORT_KEYS,
  VISIBILITIES,
  type TCreateImage,
  type TImage,
  type TImageListPage,
  type TSort,
  type TUpdateImage,
} from '../../../../services/image/image.dto';
import { parseInput, ZQueryBool } from '../../validate';
import { applyPatch } from './json-patch';
import { imageView } from './images.view';

/** The writable core attributes of a Glance image body; every other member is a free-form string property. */
const ZCoreAttributes = z.object({
  id: z.string().uuid().optional(),
  name: z.string().max(255).nullable().optional(),
  disk_format: z.enum(DISK_FORMATS).nullable().optional(),
  container_format: z.enum(CONTAINER_FORMATS).nullable().optional(),
  visibility: z.enum(VISIBILITIES).optional(),
  protected: z.boolean().optional(),
  os_hidden: z.boolean().optional(),
  min_disk: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  min_ram: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  tags: z.array(z.string().min(1).max(255)).max(128).optional(),
  owner: z.string().min(1).max(255).optional(),
});
const CORE = new Set(Object.keys(ZCoreAttributes.shape));
const ZImageBody = ZCoreAttributes.catchall(
  z.string({ invalid_type_error: 'property values must be strings' }).max(65535),
);

function refuseReadOnly(keys: string[]) {
  for (const k of keys) {
    if ((READ_ONLY_ATTRIBUTES as readonly string[]).includes(k))
      throw new AppError('Forbidden', `Attribute '${k}' is read-only.`);
    if ((RESERVED_ATTRIBUTES as readonly string[]).includes(k))
      throw new AppError('Forbidden', `Attribute '${k}' is reserved.`);
  }
}

function splitBody(body: unknown) {
  const parsed = parseInput(z.record(z.unknown()), body ?? {});
  refuseReadOnly(Object.keys(parsed));
  const all = parseInput(ZImageBody, parsed);
  const properties: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (!CORE.has(k)) properties[k] = v as string;
  return { core: all as z.infer<typeof ZCoreAttributes>, properties };
}

/** POST /v2/images: Glance's flat body → the service's create input. */
export function createInput(body: unknown): TCreateImage {
  const { core: c, properties } = splitBody(body);
  return {
    id: c.id,
    name: c.name ?? null,
    diskFormat: c.disk_format ?? null,
    containerFormat: c.container_format ?? null,
    visibility: c.visibility,
    protected: c.protected,
    osHidden: c.os_hidden,
    minDisk: c.min_disk,
    minRam: c.min_ram,
    tags: c.tags,
    ownerId: c.owner,
    properties,
  };
}

/**
 * PATCH /v2/images/{id}: applies the JSON patch to the image as Glance shows it, checks the result as a whole, and
 * hands the service only what changed. Touching a read-only attribute is a 403, as in Glance.
 */
export function updateInput(current: TImage, ops: unknown): TUpdateImage {
  const before: Record<string, unknown> = imageView(current);
  const after = applyPatch(before, ops);
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  refuseReadOnly(changed);
  if (changed.includes('id')) throw new AppError('Forbidden', "Attribute 'id' is read-only.");
  for (const k of changed)
    if (CORE.has(k) && !Object.hasOwn(after, k)) throw new AppError('Forbidden', `Attribute '${k}' cannot be removed.`);
  const writable = Object.fromEntries(changed.filter((k) => Object.hasOwn(after, k)).map((k) => [k, after[k]]));
  const { core: c, properties } = splitBody(writable);
  return {
    name: c.name,
    diskFormat: c.disk_format,
    containerFormat: c.container_format,
    visibility: c.visibility,
    protected: c.protected,
    osHidden: c.os_hidden,
    minDisk: c.min_disk,
    minRam: c.min_ram,
    tags: c.tags && [...new Set(c.tags)],
    ownerId: c.owner,
    setProperties: properties,
    removeProperties: changed.filter((k) => !CORE.has(k) && !Object.hasOwn(after, k)),
  };
}

const ZListQuery = z
  .object({
    limit: z.coerce.number().int().min(0).optional(),
    marker: z.string().max(64).optional(),
    name: z.string().max(255).optional(),
    visibility: z.enum([...VISIBILITIES, 'all']).optional(),
    member_status: z.enum([...MEMBER_STATUSES, 'all']).optional(),
    owner: z.string().max(255).optional(),
    status: z.string().max(30).optional(),
    disk_format: z.string().max(30).optional(),
    container_format: z.string().max(30).optional(),
    size_min: z.coerce.number().int().min(0).optional(),
    size_max: z.coerce.number().int().min(0).optional(),
    protected: ZQueryBool.optional(),
    os_hidden: ZQueryBool.optional(),
    tag: z.union([z.string(), z.array(z.string())]).optional(),
    id: z.string().optional(),
    sort_key: z.union([z.string(), z.array(z.string())]).optional(),
    sort_dir: z.union([z.string(), z.array(z.string())]).optional(),
    sort: z.string().optional(),
  })
  .catchall(z.string().max(255));
const ZSortKey = z.enum(SORT_KEYS);
const ZSortDir = z.enum(['asc', 'desc']);
const KNOWN = new Set(Object.keys(ZListQuery.shape));
function pick<S extends z.ZodTypeAny>(schema: S, value: unknown, field: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new AppError('BadRequest', `Invalid input for field '${field}': ${r.error.issues[0]!.message}`, { field });
  return r.data;
}
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Glance's default page size and the largest a client may ask for (limit_param_default, api_limit_max). */
export const PAGE_DEFAULT = 25;
export const PAGE_MAX = 1000;

/** GET /v2/images query → filter, sort (`sort=name:asc,size` or `sort_key`/`sort_dir` pairs) and page. */
export function listInput(query: unknown): TImageListPage {
  const q = parseInput(ZListQuery, query);
  const sort: TSort[] = q.sort
    ? q.sort.split(',').map((part, i) => {
        const [key, dir = 'desc'] = part.trim().split(':');
        return { key: pick(ZSortKey, key, `sort[${i}]`), dir: pick(ZSortDir, dir, `sort[${i}]`) };
      })
    : (() => {
        const keys = list(q.sort_key);
        const dirs = list(q.sort_dir);
        if (dirs.length > 1 && dirs.length !== keys.length)
          throw new AppError('BadRequest', 'Number of sort dirs does not match the number of sort keys');
        return (keys.length ? keys : ['created_at']).map((k, i) => ({
          key: pick(ZSortKey, k, 'sort_key'),
          dir: pick(ZSortDir, dirs[i] ?? dirs[0] ?? 'desc', 'sort_dir'),
        }));
      })();
  const properties = Object.fromEntries(Object.entries(q).filter(([k]) => !KNOWN.has(k))) as Record<string, string>;
  const ids = q.id?.startsWith('in:') ? q.id.slice(3).split(',') : q.id ? [q.id] : undefined;
  return {
    filter: {
      name: q.name,
      visibility: q.visibility,
      memberStatus: q.member_status,
      ownerId: q.owner,
      status: q.status,
      diskFormat: q.disk_format,
      containerFormat: q.container_format,
      sizeMin: q.size_min,
      sizeMax: q.size_max,
      protected: q.protected,
      osHidden: q.os_hidden,
      tags: list(q.tag),
      properties: Object.keys(properties).length ? properties : undefined,
      ids,
    },
    sort,
    marker: q.marker,
    limit: Math.min(q.limit ?? PAGE_DEFAULT, PAGE_MAX),
  };
}

export const ZMemberCreateBody = z.object({ member: z.string().min(1).max(255) });
export const ZMemberUpdateBody = z.object({ status: z.string().max(30) });
