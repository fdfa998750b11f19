import type { RouterOutputs } from '@web/lib/trpc';
import { formatBytes, formatMiB } from './format';

export type TFlavorRow = RouterOutputs['compute']['flavors']['list'][number];
export type TImageRow = RouterOutputs['compute']['images']['bootable'][number];
export type TQuotaUsage = RouterOutputs['compute']['quota']['usage'];

const GiB = 1024 ** 3;

/** What is left of a quota resource; Infinity when unlimited (-1) or unknown. */
export function remaining(usage: TQuotaUsage | undefined, resource: string): number {
  const q = usage?.[resource];
  if (!q || q.limit < 0) return Infinity;
  return Math.max(0, q.limit - q.inUse);
}

/**
 * Why `count` instances of this flavor cannot boot `image` in this project now, or null when they can: the same
 * checks the service makes (the image's min_ram/min_disk and size against the flavor, then the quota).
 */
export function flavorBlockedReason(
  f: TFlavorRow,
  image: TImageRow | undefined,
  usage: TQuotaUsage | undefined,
  count: number,
): string | null {
  if (f.disabled) return 'Disabled by the administrator.';
  if (image) {
    if (image.minRam > f.ramMb) return `The image needs at least ${formatMiB(image.minRam)} of RAM.`;
    if (f.diskGb > 0 && image.minDisk > f.diskGb) return `The image needs a disk of at least ${image.minDisk} GiB.`;
    if (f.diskGb > 0 && (image.size ?? 0) > f.diskGb * GiB)
      return `The image (${formatBytes(image.size)}) does not fit its ${f.diskGb} GiB disk.`;
  }
  const instances = remaining(usage, 'instances');
  if (count > instances) return `Instance quota: ${instances} left, ${count} asked for.`;
  const cores = remaining(usage, 'cores');
  if (f.vcpus * count > cores) return `vCPU quota: ${cores} left, needs ${f.vcpus * count}.`;
  const ram = remaining(usage, 'ram');
  if (f.ramMb * count > ram) return `RAM quota: ${formatMiB(ram)} left, needs ${formatMiB(f.ramMb * count)}.`;
  return null;
}

/** The instance's current size, as the server view has it. */
export type TCurrentFlavor = { id: string; vcpus: number; ram: number; disk: number };

/**
 * Why the instance cannot be resized to `f`, or null when it can: the service's rules (another flavor, no smaller
 * disk), the image's minimums, and the quota, which a resize takes only for what the new size adds.
 */
export function resizeBlockedReason(
  f: TFlavorRow,
  current: TCurrentFlavor,
  image: TImageRow | undefined,
  usage: TQuotaUsage | undefined,
): string | null {
  if (f.id === current.id) return 'The current flavor.';
  if (f.disabled) return 'Disabled by the administrator.';
  if (f.diskGb < current.disk) return `Its ${f.diskGb} GiB disk is smaller than the instance's ${current.disk} GiB.`;
  if (image) {
    if (image.minRam > f.ramMb) return `The image needs at least ${formatMiB(image.minRam)} of RAM.`;
    if (f.diskGb > 0 && image.minDisk > f.diskGb) return `The image needs a disk of at least ${image.minDisk} GiB.`;
  }
  const cores = remaining(usage, 'cores');
  const moreCores = f.vcpus - current.vcpus;
  if (moreCores > cores) return `vCPU quota: ${cores} left, needs ${moreCores} more.`;
  const ram = remaining(usage, 'ram');
  const moreRam = f.ramMb - current.ram;
  if (moreRam > ram) return `RAM quota: ${formatMiB(ram)} left, needs ${formatMiB(moreRam)} more.`;
  return null;
}
