import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../../db/errors';
import { AppError } from '../../lib/errors';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { findVisible, ownedBy, ownProject, viewerOf, type ImageDeps } from './image-deps';
import {
  RESERVED_ATTRIBUTES,
  READ_ONLY_ATTRIBUTES,
  ZCreateImage,
  ZUpdateImage,
  type TCreateImage,
  type TImage,
  type TImageListPage,
  type TUpdateImage,
  type TVisibility,
} from './image.dto';

const NOT_PROPERTIES = new Set<string>([...READ_ONLY_ATTRIBUTES, ...RESERVED_ATTRIBUTES, 'id', 'owner', 'tags']);

export class ImagesService {
  constructor(private readonly d: ImageDeps) {}

  async list(ctx: AuthContext, page: TImageListPage): Promise<TImage[]> {
    enforce(ctx, 'image:get_images', ownProject(ctx));
    if (page.marker && !(await this.d.repo.getVisible(viewerOf(ctx), page.marker))) {
      throw new AppError('BadRequest', `Invalid marker. Image ${page.marker} could not be found.`);
    }
    return this.d.repo.list(viewerOf(ctx), page);
  }

  async get(ctx: AuthContext, id: string): Promise<TImage> {
    enforce(ctx, 'image:get_image', ownProject(ctx));
    return findVisible(this.d, ctx, id);
  }

  async create(ctx: AuthContext, input: TCreateImage): Promise<TImage> {
    enforce(ctx, 'image:add_image', ownProject(ctx));
    const data = ZCreateImage.parse(input);
    this.authorizeVisibility(ctx, data.visibility);
    const ownerId = data.ownerId ?? ctx.projectId;
    if (!ownerId)
      throw new AppError('BadRequest', 'An image belongs to a project: use a project-scoped token, or name the owner.');
    if (ownerId !== ctx.projectId && !isCloudAdmin(ctx))
      throw new AppError('Forbidden', `You are not permitted to create images owned by '${ownerId}'.`);
    assertPropertyNames(Object.keys(data.properties));
    const id = data.id ?? randomUUID();
    try {
      return await this.d.repo.create({
        ...data,
        id,
        ownerId,
        status: 'queued',
        size: null,
        virtualSize: null,
        checksum: null,
        osHashAlgo: null,
        osHashValue: null,
        storeId: null,
        location: null,
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('Conflict', `Image with identifier ${id} already exists!`);
      throw e;
    }
  }

  /**
   * Changes an image: `change` is the update, or a function of the current image giving it (a JSON patch is applied to
   * what the image is now). The row is locked from the read to the write, so concurrent updates each build on the
   * other's result instead of one overwriting the other's.
   */
  update(ctx: AuthContext, id: string, change: TUpdateImage | ((current: TImage) => TUpdateImage)): Promise<TImage> {
    return this.d.repo.withLocked(id, async (repo) => {
      const image = await findVisible({ ...this.d, repo }, ctx, id);
      enforce(ctx, 'image:modify_image', ownedBy(image));
      const input = typeof change === 'function' ? change(image) : change;
      return repo.update(id, this.updated(ctx, image, input));
    });
  }

  private updated(ctx: AuthContext, image: TImage, input: TUpdateImage) {
    const { setProperties, removeProperties, ...attrs } = ZUpdateImage.parse(input);
    if (attrs.visibility && attrs.visibility !== image.visibility) this.authorizeVisibility(ctx, attrs.visibility);
    if (attrs.ownerId !== undefined && attrs.ownerId !== image.ownerId && !isCloudAdmin(ctx)) {
      throw new AppError('Forbidden', "Attribute 'owner' can be changed only by an administrator.");
    }
    for (const [attr, key] of [
      ['diskFormat', 'disk_format'],
      ['containerFormat', 'container_format'],
    ] as const) {
      if (attrs[attr] !== undefined && attrs[attr] !== image[attr] && image.status !== 'queued') {
        throw new AppError('Forbidden', `Attribute ${key} can be only replaced for a queued image.`);
      }
    }
    assertPropertyNames([...Object.keys(setProperties), ...removeProperties]);
    const properties = { ...image.properties, ...setProperties };
    for (const k of removeProperties) {
      if (!(k in properties)) throw new AppError('Conflict', `Property ${k} does not exist.`);
      delete properties[k];
    }
    return { ...attrs, properties };
  }

  async delete(ctx: AuthContext, id: string): Promise<void> {
    const image = await findVisible(this.d, ctx, id);
    enforce(ctx, 'image:delete_image', ownedBy(image));
    if (image.protected) throw new AppError('Forbidden', `Image ${id} is protected and cannot be deleted.`);
    await this.d.repo.delete(id);
    // the record goes first: a crash between the two leaves an orphan file, never a record pointing at nothing
    if (image.location) await this.d.stores.holding(image).delete(image.location);
  }

  // tags are read, changed and written back under the row lock too, so concurrent tag changes all land
  async addTag(ctx: AuthContext, id: string, tag: string): Promise<void> {
    await this.d.repo.withLocked(id, async (repo) => {
      const image = await findVisible({ ...this.d, repo }, ctx, id);
      enforce(ctx, 'image:modify_image', ownedBy(image));
      if (!image.tags.includes(tag))
        await repo.update(id, { tags: ZUpdateImage.shape.tags.parse([...image.tags, tag]) });
    });
  }

  async removeTag(ctx: AuthContext, id: string, tag: string): Promise<void> {
    await this.d.repo.withLocked(id, async (repo) => {
      const image = await findVisible({ ...this.d, repo }, ctx, id);
      enforce(ctx, 'image:modify_image', ownedBy(image));
      if (!image.tags.includes(tag)) throw new AppError('NotFound', `Tag ${tag} not found on image ${id}.`);
      await repo.update(id, { tags: image.tags.filter((t) => t !== tag) });
    });
  }

  /** Glance's rule: only an active image can be deactivated; deactivating a deactivated one is a no-op. */
  async deactivate(ctx: AuthContext, id: string): Promise<void> {
    const image = await findVisible(this.d, ctx, id);
    enforce(ctx, 'image:deactivate', ownedBy(image));
    if (image.status === 'deactivated') return;
    if (!(await this.d.repo.transition(id, ['active'], 'deactivated'))) {
      throw new AppError('Forbidden', `Not allowed to deactivate image in status '${image.status}'`);
    }
  }

  async reactivate(ctx: AuthContext, id: string): Promise<void> {
    const image = await findVisible(this.d, ctx, id);
    enforce(ctx, 'image:reactivate', ownedBy(image));
    if (image.status === 'active') return;
    if (!(await this.d.repo.transition(id, ['deactivated'], 'active'))) {
      throw new AppError('Forbidden', `Not allowed to reactivate image in status '${image.status}'`);
    }
  }

  /** Only admins publish to everyone; sharing with the community is the owner's call. */
  private authorizeVisibility(ctx: AuthContext, visibility: TVisibility) {
    if (visibility === 'public') enforce(ctx, 'image:publicize_image', ownProject(ctx));
    if (visibility === 'community') enforce(ctx, 'image:communitize_image', ownProject(ctx));
  }
}

function assertPropertyNames(names: string[]) {
  for (const k of names) {
    if (NOT_PROPERTIES.has(k))
      throw new AppError(
        'Forbidden',
        `Attribute '${k}' is ${RESERVED_ATTRIBUTES.includes(k as never) ? 'reserved' : 'read-only'}.`,
      );
  }
}
