import { AppError } from '../../lib/errors';
import type { ImageStore } from './image-store';

/**
 * The enabled image stores (IMAGE_STORES), as Glance's multi-store: an upload goes to the default store unless the
 * client names another; reads and deletes go to the store recorded on the image, so changing the default never
 * strands the images already stored.
 */
export class ImageStores {
  private readonly byId: Map<string, ImageStore>;

  constructor(
    stores: ImageStore[],
    readonly defaultId: string,
  ) {
    this.byId = new Map(stores.map((s) => [s.id, s]));
    if (!this.byId.has(defaultId)) throw new Error(`The default image store ${defaultId} is not enabled`);
  }

  /** The store an upload goes to: the one the client named, or the default. */
  forUpload(named?: string): ImageStore {
    if (named === undefined) return this.byId.get(this.defaultId)!;
    const store = this.byId.get(named);
    if (!store) {
      const known = [...this.byId.keys()].join(', ');
      throw new AppError('BadRequest', `Store for identifier ${named} not found (enabled stores: ${known}).`);
    }
    return store;
  }

  /** The store holding an image's data, which may no longer be the default. */
  holding(image: { id: string; storeId: string | null }): ImageStore {
    const store = image.storeId ? this.byId.get(image.storeId) : undefined;
    if (!store) throw new AppError('Internal', `Image ${image.id} is in store ${image.storeId}, which is not enabled.`);
    return store;
  }

  all(): ImageStore[] {
    return [...this.byId.values()];
  }
}
