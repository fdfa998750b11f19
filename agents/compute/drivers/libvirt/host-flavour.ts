/**
 * What differs between the two libvirt hypervisors the driver runs on: where it connects, the domain type, and how
 * (or whether) disks are made. Everything else (domain XML, lifecycle, idempotency) is shared in libvirt.driver.ts.
 */
import type { DomainSpec } from '../../driver';
import type { DomainType } from './domain-xml';

export interface HostFlavour {
  readonly name: 'libvirt-qemu' | 'libvirt-test';
  readonly uri: string;
  readonly domainType: DomainType;
  /** Nova's hypervisor_type. */
  readonly hypervisorType: string;
  readonly instancesDir: string;

  /** Runs before the connection opens: checks the host, writes what the connection needs. */
  prepare(): Promise<void>;
  hypervisorVersion(): Promise<number>;
  /** Space for instance disks, in GiB. */
  diskGb(): Promise<number>;

  /** The root disk from the spec's boot source (an overlay on the image, or empty for a kernel boot). */
  createRootDisk(spec: DomainSpec, file: string): Promise<void>;
  createBlankDisk(file: string, sizeMb: number): Promise<void>;
  /** Whether the disk is smaller than `sizeGb` (so a resize must grow it). */
  isSmallerThan(file: string, sizeGb: number): Promise<boolean>;
  /** Grows a disk to `sizeGb`, never shrinks it. */
  growDisk(file: string, sizeGb: number): Promise<void>;
  /** Called each time the domain starts running (boot, power on, reboot, resume). */
  started(spec: { instanceId: string }, consoleLog: string, how: 'booted' | 'resumed'): Promise<void>;
}
