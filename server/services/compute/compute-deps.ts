import type { Config } from '../../config/env';
import type { Db } from '../../db/client';
import type { QuotaService } from '../../quota/quota.service';
import type { Bus } from '../../rpc/bus';
import type { Images } from '../image/image.module';

/** What every compute use case may need; built once in compute.module.ts. */
export type ComputeDeps = {
  db: Db;
  config: Config;
  bus: Bus;
  quotas: QuotaService;
  images: Images;
};
