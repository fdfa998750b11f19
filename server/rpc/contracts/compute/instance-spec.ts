import { z } from 'zod';

/**
 * Everything a compute host needs to build or change an instance, carried in the message itself: agents never read
 * the database (modern Nova's conductor rule), so a compromised host learns only about its own instances.
 */

/** An image the agent downloads into its cache from the image API, verified against its sha512 (else md5). */
export const ZImageRef = z.object({
  id: z.string().min(1),
  diskFormat: z.string(),
  size: z.number().int().nonnegative(),
  checksum: z.string().nullable(),
  sha512: z.string().nullable(),
  /** GET URL of the image data (`…/image/v2/images/<id>/file`). */
  url: z.string().url(),
});
export type TImageRef = z.infer<typeof ZImageRef>;

export const ZInstanceSpec = z.object({
  instanceId: z.string().uuid(),
  displayName: z.string(),
  hostname: z.string(),
  projectId: z.string(),
  vcpus: z.number().int().positive(),
  memoryMb: z.number().int().positive(),
  rootGb: z.number().int().nonnegative(),
  ephemeralGb: z.number().int().nonnegative(),
  swapMb: z.number().int().nonnegative(),
  image: ZImageRef,
  /** AKI/ARI of an AMI image (its kernel_id/ramdisk_id properties): the guest boots by direct kernel boot. */
  kernel: ZImageRef.optional(),
  ramdisk: ZImageRef.optional(),
  cmdline: z.string().default('console=ttyS0'),
  keyData: z.string().nullable().default(null),
  userData: z.string().nullable().default(null),
  metadata: z.record(z.string()).default({}),
  /** The requesting user's token, for the image API (as Nova passes the user's context); short-lived. */
  authToken: z.string().min(1),
});
export type TInstanceSpec = z.infer<typeof ZInstanceSpec>;
