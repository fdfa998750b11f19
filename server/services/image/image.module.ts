import path from 'node:path';
import type { Config } from '../../config/env';
import type { Db } from '../../db/client';
import { FilesystemStore } from './filesystem.store';
import type { ImageDeps } from './image-deps';
import { ImageDataService } from './image-data.service';
import { ImageMembersService } from './image-members.service';
import { ImageRepository } from './image.repository';
import type { ImageStore } from './image-store';
import { ImageStores } from './image-stores';
import { ImagesService } from './images.service';
import { S3Store } from './s3.store';
import { UploadSweeper } from './upload-sweeper';

export type Images = ReturnType<typeof createImages>;

/** Wires the image service's parts: records in PostgreSQL, data in the enabled stores (IMAGE_STORES). */
export function createImages(db: Db, config: Config) {
  const deps: ImageDeps = {
    repo: new ImageRepository(db),
    stores: new ImageStores(
      config.IMAGE_STORES.map((id) => makeStore(id, config)),
      config.IMAGE_DEFAULT_STORE ?? config.IMAGE_STORES[0]!,
    ),
    sizeCap: config.IMAGE_SIZE_CAP_BYTES,
    uploadLeaseMs: config.IMAGE_UPLOAD_LEASE_SECONDS * 1000,
  };
  const sweeper = new UploadSweeper(deps);
  return {
    /** Unchecked reads for other server-side services (compute's messages to hosts); never for callers' requests. */
    repo: deps.repo,
    images: new ImagesService(deps),
    data: new ImageDataService(deps),
    members: new ImageMembersService(deps),
    sizeCap: deps.sizeCap,
    /** Returns the uploads a dead process left in `saving` to `queued`; safe with several API processes at once. */
    sweepUploads: () => sweeper.sweep(),
    /** The enabled stores and the default, as GET /v2/info/stores lists them. */
    stores: () => deps.stores.all().map((s) => ({ id: s.id, default: s.id === deps.stores.defaultId })),
  };
}

function makeStore(id: Config['IMAGE_STORES'][number], config: Config): ImageStore {
  switch (id) {
    case 'file':
      return new FilesystemStore(path.join(config.stateDir, 'images'));
    case 's3':
      // env.ts refuses to start with s3 enabled and any of these unset
      return new S3Store({
        endpoint: config.IMAGE_S3_ENDPOINT!,
        bucket: config.IMAGE_S3_BUCKET!,
        region: config.IMAGE_S3_REGION,
        accessKey: config.IMAGE_S3_ACCESS_KEY!,
        secretKey: config.IMAGE_S3_SECRET_KEY!,
        partSize: config.IMAGE_S3_PART_SIZE_BYTES,
      });
  }
}
