import { AppError } from '../../lib/errors';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import type { TImage } from './image.dto';
import type { ImageRepository, Viewer } from './image.repository';
import type { ImageStores } from './image-stores';

/** What every image use case may need; built once in image.module.ts. */
export type ImageDeps = {
  repo: ImageRepository;
  /** Where the data goes (the default store, or the one the client names) and where each image's data is. */
  stores: ImageStores;
  /** Largest image an upload may store, in bytes (IMAGE_SIZE_CAP_BYTES). */
  sizeCap: number;
  /** How long an upload's lease lasts without renewal (IMAGE_UPLOAD_LEASE_SECONDS), in ms. */
  uploadLeaseMs: number;
};

export const viewerOf = (ctx: AuthContext): Viewer => ({ projectId: ctx.projectId, admin: isCloudAdmin(ctx) });

/** An image the caller may see; anything else, another project's private image included, is "not found". */
export async function findVisible(d: ImageDeps, ctx: AuthContext, id: string): Promise<TImage> {
  const image = await d.repo.getVisible(viewerOf(ctx), id);
  if (!image) throw new AppError('NotFound', `No image found with ID ${id}`);
  return image;
}

/** The policy target of an image: the project that owns it. */
export const ownedBy = (image: TImage) => ({ projectId: image.ownerId });
/** The policy target of a read: the caller's own project (visibility already decided what it may see). */
export const ownProject = (ctx: AuthContext) => ({ projectId: ctx.projectId ?? undefined });
