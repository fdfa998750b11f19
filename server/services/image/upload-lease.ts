import { AppError } from '../../lib/errors';
import { logger } from '../../lib/logger';
import type { ImageRepository } from './image.repository';

/**
 * An upload's claim on its image while the data streams: renewed every third of the lease, so a sweeper elsewhere
 * sees it alive. Once a renewal finds the image no longer this upload's (its lease ran out and a sweeper took it, or
 * it was deleted), the data stream fails, so the store discards what it had written.
 */
export class UploadLease {
  private lost = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly repo: ImageRepository,
    private readonly imageId: string,
    readonly token: string,
    private readonly ms: number,
  ) {
    this.timer = setInterval(() => void this.renew(), ms / 3);
    this.timer.unref();
  }

  static until = (ms: number) => new Date(Date.now() + ms);

  /** `data`, failing at the next chunk after the lease was lost. */
  async *guard(data: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of data) {
      if (this.lost)
        throw new AppError(
          'Conflict',
          `The upload to image ${this.imageId} lost its lease (it stalled too long, or the image was deleted).`,
        );
      yield chunk;
    }
  }

  stop() {
    clearInterval(this.timer);
  }

  private async renew() {
    try {
      if (!(await this.repo.renewUpload(this.imageId, this.token, UploadLease.until(this.ms)))) {
        this.lost = true;
        this.stop();
      }
    } catch (err) {
      // a database hiccup: the next renewal may well succeed, and the lease has two more thirds to go
      logger.warn({ err, imageId: this.imageId }, 'could not renew the upload lease');
    }
  }
}
