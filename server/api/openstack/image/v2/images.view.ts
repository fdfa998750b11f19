import type { TImage, TImageMember } from '../../../../services/image/image.dto';

/** Glance prints times to the second, in UTC with a Z. */
export const glanceTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An image as Glance v2 shows it: core attributes, then the free-form properties flattened beside them. */
export function imageView(i: TImage) {
  return {
    ...i.properties,
    id: i.id,
    name: i.name,
    status: i.status,
    visibility: i.visibility,
    protected: i.protected,
    os_hidden: i.osHidden,
    owner: i.ownerId,
    disk_format: i.diskFormat,
    container_format: i.containerFormat,
    size: i.size,
    virtual_size: i.virtualSize,
    checksum: i.checksum,
    os_hash_algo: i.osHashAlgo,
    os_hash_value: i.osHashValue,
    min_disk: i.minDisk,
    min_ram: i.minRam,
    tags: i.tags,
    created_at: glanceTime(i.createdAt),
    updated_at: glanceTime(i.updatedAt),
    self: `/v2/images/${i.id}`,
    file: `/v2/images/${i.id}/file`,
    schema: '/v2/schemas/image',
    // the store holding the data, as Glance shows it with several backends configured
    ...(i.storeId && { stores: i.storeId }),
  };
}

export const memberView = (m: TImageMember) => ({
  image_id: m.imageId,
  member_id: m.memberId,
  status: m.status,
  created_at: glanceTime(m.createdAt),
  updated_at: glanceTime(m.updatedAt),
  schema: '/v2/schemas/member',
});
