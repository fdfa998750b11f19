import { z } from 'zod';
import { resolveProjectRef } from '../../services/identity/resolve-project';
import {
  CONTAINER_FORMATS,
  DISK_FORMATS,
  VISIBILITIES,
  MEMBER_STATUSES,
  ZImageProperties,
  type TImage,
  type TImageMember,
} from '../../services/image/image.dto';
import { authedProcedure, router } from '../trpc';

const ZImageName = z.string().trim().min(1, 'Enter a name.').max(255, 'must be at most 255 characters');
const ZSize = z
  .number()
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(2 ** 31 - 1);

export const ZImageId = z.object({ id: z.string().uuid('not an image id') });

/** A new image record: the dashboard then uploads its data to IMAGE_UPLOAD_PATH. */
export const ZCreateImageInput = z.object({
  name: ZImageName,
  diskFormat: z.enum(DISK_FORMATS),
  containerFormat: z.enum(CONTAINER_FORMATS).default('bare'),
  visibility: z.enum(VISIBILITIES).default('private'),
  protected: z.boolean().default(false),
  minDisk: ZSize.default(0),
  minRam: ZSize.default(0),
  properties: ZImageProperties.default({}),
});
export type TCreateImageInput = z.input<typeof ZCreateImageInput>;

export const ZUpdateImageInput = ZImageId.extend({
  patch: z.object({
    name: ZImageName.optional(),
    visibility: z.enum(VISIBILITIES).optional(),
    protected: z.boolean().optional(),
    minDisk: ZSize.optional(),
    minRam: ZSize.optional(),
    setProperties: ZImageProperties.default({}),
    removeProperties: z.array(z.string().min(1).max(255)).max(128).default([]),
  }),
});
export type TUpdateImageInput = z.input<typeof ZUpdateImageInput>;

/** An image as the dashboard shows it: dates as ISO strings, and never where the store keeps the file. */
export const imageView = (i: TImage) => ({
  id: i.id,
  name: i.name,
  status: i.status,
  diskFormat: i.diskFormat,
  containerFormat: i.containerFormat,
  size: i.size,
  virtualSize: i.virtualSize,
  checksum: i.checksum,
  visibility: i.visibility,
  protected: i.protected,
  minDisk: i.minDisk,
  minRam: i.minRam,
  properties: i.properties,
  ownerId: i.ownerId,
  createdAt: i.createdAt.toISOString(),
  updatedAt: i.updatedAt.toISOString(),
});
export type TImageView = ReturnType<typeof imageView>;

export const ZAddMemberInput = ZImageId.extend({
  project: z.string().trim().min(1, 'Enter a project ID or name.').max(255, 'must be at most 255 characters'),
});
export const ZRemoveMemberInput = ZImageId.extend({ memberId: z.string().min(1).max(255) });
export const ZMemberStatusInput = ZImageId.extend({ status: z.enum(MEMBER_STATUSES) });

const memberView = (m: TImageMember) => ({
  memberId: m.memberId,
  status: m.status,
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.updatedAt.toISOString(),
});

/**
 * Sharing: the owner lists, adds and removes member projects; a member project accepts or rejects the image for
 * itself (the service takes the caller's own project as the member, so no one decides for another project).
 */
const members = router({
  list: authedProcedure
    .input(ZImageId)
    .query(async ({ ctx, input }) => (await ctx.images.members.list(ctx.auth, input.id)).map(memberView)),
  add: authedProcedure.input(ZAddMemberInput).mutation(async ({ ctx, input }) => {
    const memberId = await resolveProjectRef(ctx.identity.projects, ctx.auth, input.project);
    return memberView(await ctx.images.members.add(ctx.auth, input.id, memberId));
  }),
  remove: authedProcedure.input(ZRemoveMemberInput).mutation(async ({ ctx, input }) => {
    await ctx.images.members.remove(ctx.auth, input.id, input.memberId);
    return { ok: true as const };
  }),
  setStatus: authedProcedure
    .input(ZMemberStatusInput)
    .mutation(async ({ ctx, input }) =>
      memberView(await ctx.images.members.setStatus(ctx.auth, input.id, ctx.auth.projectId ?? '', input.status)),
    ),
});

/** The most images the dashboard's list holds (Glance's own page cap). */
const LIST_LIMIT = 1000;

/**
 * The image pages: every procedure is one image-service call, which enforces Glance's policy (public images only for
 * admins, a protected image cannot be deleted, another project's private image is not found). The image's data does
 * not go through tRPC: the browser PUTs it to /api/images/:id/file (server/http/image-upload.ts) as a stream.
 */
export const imagesRouter = router({
  /**
   * Every image the project may use or decide on: shared images still pending or rejected too (Glance's
   * member_status=all), each of another project's shared images with this project's membership status.
   */
  list: authedProcedure.query(async ({ ctx }) => {
    const images = await ctx.images.images.list(ctx.auth, {
      filter: { memberStatus: 'all' },
      sort: [{ key: 'created_at', dir: 'desc' }],
      limit: LIST_LIMIT,
    });
    const statuses = await ctx.images.members.ownStatuses(ctx.auth, images);
    return images.map((i) => ({ ...imageView(i), memberStatus: statuses.get(i.id) ?? null }));
  }),
  get: authedProcedure.input(ZImageId).query(async ({ ctx, input }) => {
    const i = await ctx.images.images.get(ctx.auth, input.id);
    const statuses = await ctx.images.members.ownStatuses(ctx.auth, [i]);
    return { ...imageView(i), memberStatus: statuses.get(i.id) ?? null };
  }),
  members,
  create: authedProcedure
    .input(ZCreateImageInput)
    .mutation(async ({ ctx, input }) => imageView(await ctx.images.images.create(ctx.auth, input))),
  update: authedProcedure
    .input(ZUpdateImageInput)
    .mutation(async ({ ctx, input }) => imageView(await ctx.images.images.update(ctx.auth, input.id, input.patch))),
  delete: authedProcedure.input(ZImageId).mutation(({ ctx, input }) => ctx.images.images.delete(ctx.auth, input.id)),
  /** The largest file an upload may carry, so the page can refuse a bigger one before sending it. */
  uploadLimits: authedProcedure.query(({ ctx }) => ({ sizeCap: ctx.images.sizeCap })),
});
