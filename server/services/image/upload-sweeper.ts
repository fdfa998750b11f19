import { randomToken } from '../../lib/ids';
import { logger } from '../../lib/logger';
import type { ImageDeps } from './image-deps';
import { UploadLease } from './upload-lease';

/**
 * Returns to `queued` the images a process left in `saving` when it died mid-upload, and removes the partial data it
 * left, so the image can be uploaded again. Several API processes sweep the same database: a sweeper acts only on an
 * image whose upload lease ran out, after taking it over with a conditional update only one of them can win. The
 * sweeper's own lease covers the cleanup, so if it dies too, another one finishes the job later.
 */
export class UploadSweeper {
  constructor(private readonly d: ImageDeps) {}

  /** The ids of the images it returned to `queued`. */
  async sweep(): Promise<string[]> {
    const now = new Date();
    const swept: string[] = [];
    for (const id of await this.d.repo.expiredUploads(now)) {
      const token = randomToken();
      if (!(await this.d.repo.claimExpiredUpload(id, now, token, UploadLease.until(this.d.uploadLeaseMs)))) continue;
      try {
        // the store the upload went to is not recorded until it succeeds, so every store is asked
        for (const store of this.d.stores.all()) await store.discardPartial(id);
        if (await this.d.repo.endUpload(id, token, 'queued')) swept.push(id);
      } catch (err) {
        logger.warn({ err, imageId: id }, 'could not clear an interrupted upload; another sweep retries it');
      }
    }
    if (swept.length) logger.info({ images: swept }, 'interrupted uploads returned to queued');
    return swept;
  }
}
