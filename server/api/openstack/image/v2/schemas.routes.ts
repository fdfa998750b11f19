import type { FastifyInstance } from 'fastify';
import {
  CONTAINER_FORMATS,
  DISK_FORMATS,
  IMAGE_STATUSES,
  MEMBER_STATUSES,
  VISIBILITIES,
} from '../../../../services/image/image.dto';

const nullableString = (max = 255) => ({ type: ['null', 'string'], maxLength: max });
const readOnly = <T extends object>(s: T) => ({ ...s, readOnly: true });

/** Glance's JSON schemas, which python-glanceclient fetches to learn the image attributes before it sends any. */
const imageSchema = {
  name: 'image',
  additionalProperties: { type: 'string' },
  properties: {
    id: {
      type: 'string',
      pattern: '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$',
    },
    name: nullableString(),
    status: readOnly({ type: 'string', enum: IMAGE_STATUSES }),
    visibility: { type: 'string', enum: VISIBILITIES },
    protected: { type: 'boolean' },
    os_hidden: { type: 'boolean' },
    checksum: readOnly(nullableString(32)),
    os_hash_algo: readOnly(nullableString(64)),
    os_hash_value: readOnly(nullableString(128)),
    owner: nullableString(),
    size: readOnly({ type: ['null', 'integer'] }),
    virtual_size: readOnly({ type: ['null', 'integer'] }),
    container_format: { type: ['null', 'string'], enum: [null, ...CONTAINER_FORMATS] },
    disk_format: { type: ['null', 'string'], enum: [null, ...DISK_FORMATS] },
    created_at: readOnly({ type: 'string' }),
    updated_at: readOnly({ type: 'string' }),
    tags: { type: 'array', items: { type: 'string', maxLength: 255 } },
    min_ram: { type: 'integer' },
    min_disk: { type: 'integer' },
    self: readOnly({ type: 'string' }),
    file: readOnly({ type: 'string' }),
    stores: readOnly({ type: 'string' }),
    schema: readOnly({ type: 'string' }),
    kernel_id: nullableString(36),
    ramdisk_id: nullableString(36),
  },
  links: [
    { rel: 'self', href: '{self}' },
    { rel: 'enclosure', href: '{file}' },
    { rel: 'describedby', href: '{schema}' },
  ],
};
const memberSchema = {
  name: 'member',
  properties: {
    image_id: { type: 'string' },
    member_id: { type: 'string' },
    status: { type: 'string', enum: MEMBER_STATUSES },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
    schema: readOnly({ type: 'string' }),
  },
};

export function schemaRoutes(app: FastifyInstance) {
  app.get('/schemas/image', async () => imageSchema);
  app.get('/schemas/images', async () => ({
    name: 'images',
    properties: {
      images: { type: 'array', items: imageSchema },
      schema: { type: 'string' },
      first: { type: 'string' },
      next: { type: 'string' },
    },
    links: [
      { rel: 'first', href: '{first}' },
      { rel: 'next', href: '{next}' },
      { rel: 'describedby', href: '{schema}' },
    ],
  }));
  app.get('/schemas/member', async () => memberSchema);
  app.get('/schemas/members', async () => ({
    name: 'members',
    properties: { members: { type: 'array', items: memberSchema }, schema: { type: 'string' } },
  }));
}
