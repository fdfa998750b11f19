import path from 'node:path';
import type { Config } from '../../config/env';
import type { Db } from '../../db/client';
import { FilesystemStore } from './filesystem.store';
import type { ImageDeps } from './image-deps';
import { ImageDataService } from './image-data.service';
import { ImageMembersService } from './image-members.service';
import { ImageRepository } from './image.repository';
import { ImagesService } from './images.service';

export type Images = ReturnType<typeof createImages>;

/** Wires the image service's parts: records in PostgreSQL, data in the filesystem store under STATE_DIR/images. */
export function createImages(db: Db, config: Config) {
  const deps: ImageDeps = {
    repo: new ImageRepository(db),
    store: new FilesystemStore(path.join(config.stateDir, 'images')),
    sizeCap: config.IMAGE_SIZE_CAP_BYTES,
  };
  return {
    /** Unchecked reads for other server-side services (compute's messages to hosts); never for callers' requests. */
    repo: deps.repo,
    images: new ImagesService(deps),
    data: new ImageDataService(deps),
    members: new ImageMembersService(deps),
    sizeCap: deps.sizeCap,
  };
}
