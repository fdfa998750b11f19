/** Which disks an instance's domain has, and making or growing them through the host's flavour. */
import type { DomainSpec } from '../../driver';
import type { DomainFiles } from './domain-xml';
import type { HostFlavour } from './host-flavour';
import { exists, type InstancePaths } from './instance-files';

/** The spec's disks, at their places in the instance directory. */
export function domainFiles(spec: DomainSpec, paths: InstancePaths): DomainFiles {
  return {
    // a kernel boot with root_gb 0 gets no root disk; an image boot always has one
    rootDisk: spec.boot.kind === 'disk' || spec.rootGb > 0 ? paths.rootDisk : undefined,
    ephemeralDisk: spec.ephemeralGb > 0 ? paths.ephemeralDisk : undefined,
    swapDisk: spec.swapMb > 0 ? paths.swapDisk : undefined,
    consoleLog: paths.consoleLog,
  };
}

export async function createDisks(host: HostFlavour, spec: DomainSpec, files: DomainFiles): Promise<void> {
  if (files.rootDisk) await host.createRootDisk(spec, files.rootDisk);
  if (files.ephemeralDisk) await host.createBlankDisk(files.ephemeralDisk, spec.ephemeralGb * 1024);
  // swap is left unformatted: the guest's first boot runs mkswap, as cloud-init does for Nova's swap disk
  if (files.swapDisk) await host.createBlankDisk(files.swapDisk, spec.swapMb);
}

/** For resize: grow what exists (never shrink), create what the new flavor adds. */
export async function growOrCreateDisks(host: HostFlavour, spec: DomainSpec, files: DomainFiles): Promise<void> {
  const { rootDisk, ephemeralDisk, swapDisk } = files;
  if (rootDisk) {
    if (await exists(rootDisk)) await host.growDisk(rootDisk, spec.rootGb);
    else await host.createRootDisk(spec, rootDisk);
  }
  if (ephemeralDisk) {
    if (await exists(ephemeralDisk)) await host.growDisk(ephemeralDisk, spec.ephemeralGb);
    else await host.createBlankDisk(ephemeralDisk, spec.ephemeralGb * 1024);
  }
  if (swapDisk && !(await exists(swapDisk))) await host.createBlankDisk(swapDisk, spec.swapMb);
}
