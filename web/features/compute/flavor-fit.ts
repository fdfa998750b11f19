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
