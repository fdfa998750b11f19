import type { Db } from '../../db/client';
import type { QuotaService } from '../../quota/quota.service';
import type { Bus } from '../../rpc/bus';
import type { ImageRepository } from '../image/image.repository';
import type { ImagesService } from '../image/images.service';
import type { ClaimsRepository } from './claims.repository';
import type { FlavorsService } from './flavors.service';
import type { HostsService } from './hosts.service';
import type { InstancesRepository } from './instances.repository';
import type { KeyPairsService } from './keypairs.service';
import type { InstanceLifecycle } from './lifecycle.service';

/** What the server use cases need; built once in compute.module.ts. */
export type ServerDeps = {
  db: Db;
  bus: Bus;
  repo: InstancesRepository;
  claims: ClaimsRepository;
  lifecycle: InstanceLifecycle;
  quotas: QuotaService;
  flavors: FlavorsService;
  keypairs: KeyPairsService;
  hosts: HostsService;
  /** Visibility-checked image reads (what the caller may boot). */
  images: ImagesService;
  /** Unchecked image reads, for the kernel/ramdisk an image names and the messages to hosts. */
  imageRecords: ImageRepository;
  /** The image API's base URL, which hosts download from. */
  imageUrl: string;
};
