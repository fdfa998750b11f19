/**
 * What a compute host does to its hypervisor, behind one interface. Two real implementations on libvirt share it:
 * `qemu:///system` (real VMs, TCG where KVM is unusable) and libvirt's own `test:///…` hypervisor (fast, and many
 * simulated hosts on one machine). Both run the same contract suite (driver.contract.ts).
 *
 * Every method is idempotent, because bus messages are delivered at least once: spawning a domain that already
 * runs, destroying one that is gone, or stopping one that is off succeeds without doing anything twice.
 */

/** libvirt's virDomainState, as Nova's power_state numbers (nova/compute/power_state.py). */
export const POWER_STATE = {
  NOSTATE: 0,
  RUNNING: 1,
  PAUSED: 3,
  SHUTDOWN: 4,
  CRASHED: 6,
  SUSPENDED: 7,
} as const;
export type PowerState = (typeof POWER_STATE)[keyof typeof POWER_STATE];

export type HostResources = {
  vcpus: number;
  memoryMb: number;
  /** Space for instance disks, in GiB. */
  diskGb: number;
  /** Nova's hypervisor_type: "QEMU" for qemu:///system, "test" for the test driver. */
  hypervisorType: string;
  /** libvirt's encoding: major * 1,000,000 + minor * 1,000 + release. */
  hypervisorVersion: number;
};

/** Local files the manager fetched into the host's image cache (checksum verified) for one boot. */
export type BootSource =
  /** A disk image (qcow2 or raw) the root disk is made from: a qcow2 overlay on top of the cached base. */
  | { kind: 'disk'; basePath: string; baseFormat: 'qcow2' | 'raw' }
  /** AKI/ARI/AMI: the guest boots from kernel + ramdisk (direct kernel boot), with an empty root disk. */
  | { kind: 'kernel'; kernelPath: string; ramdiskPath?: string; cmdline: string };

export type DomainSpec = {
  /** The instance UUID; also the domain's name and UUID, so the domain is found again after an agent restart. */
  instanceId: string;
  /** The server's display name, kept in the domain's <title>/<metadata>. */
  displayName: string;
  vcpus: number;
  memoryMb: number;
  rootGb: number;
  ephemeralGb: number;
  swapMb: number;
  boot: BootSource;
};

export type DomainInfo = { instanceId: string; powerState: PowerState };

export interface HypervisorDriver {
  /** e.g. "libvirt-qemu" or "libvirt-test"; shown by `compute service list` and the start-up banner. */
  readonly name: string;

  /** Connects (once); rejects with a message that says what is missing (libvirtd not running, no permission…). */
  init(): Promise<void>;
  hostResources(): Promise<HostResources>;

  /**
   * Prepares the instance's disks under its own directory and defines and starts the domain; resolves once it
   * runs. On failure it leaves no domain and no disk behind and rejects with a message fit for the instance fault.
   * A domain of that instance already running (redelivered message) resolves at once.
   */
  spawn(spec: DomainSpec): Promise<void>;
  /** Stops the domain (hard), undefines it and removes its disks and console log. Gone already: resolves. */
  destroy(instanceId: string): Promise<void>;

  /**
   * Resize in place: shuts the domain off, redefines it with the spec's vcpus and memory, grows the root disk to
   * `rootGb` (never shrinks it) and starts it again. Same outcome when repeated with the same spec.
   */
  resize(spec: DomainSpec): Promise<void>;
  /**
   * Rebuild: destroys the root disk and makes it anew from `spec.boot` (another image, maybe), keeping the
   * domain's identity; the domain runs afterwards.
   */
  rebuild(spec: DomainSpec): Promise<void>;

  /** Starts a defined, shut-off domain. */
  powerOn(instanceId: string): Promise<void>;
  /** ACPI shutdown waiting up to `timeoutMs` (clean), then (or at once, when not clean) a hard power-off. */
  powerOff(instanceId: string, opts?: { clean?: boolean; timeoutMs?: number }): Promise<void>;
  /** Soft: guest reboot (ACPI), falling back to hard; hard: reset/destroy+start. The domain runs afterwards. */
  reboot(instanceId: string, hard: boolean): Promise<void>;
  pause(instanceId: string): Promise<void>;
  unpause(instanceId: string): Promise<void>;
  /**
   * Saves the guest's memory to disk and stops it; resume (or powerOn) restores it where it left off. While the
   * memory image is kept, powerState is SUSPENDED. (libvirt drivers: save/restore into the instance directory, as
   * managed save does, since the binding has no managed save.)
   */
  suspend(instanceId: string): Promise<void>;
  resume(instanceId: string): Promise<void>;

  /** The current power state; NOSTATE when the domain does not exist, SUSPENDED when it is off with saved memory. */
  powerState(instanceId: string): Promise<PowerState>;
  /** Every domain this driver manages on this host (those named by an instance UUID). */
  listDomains(): Promise<DomainInfo[]>;
  /**
   * Every file outside the instances' own directories that an instance on this host depends on (a root disk's
   * backing image, a kernel, a ramdisk), as absolute paths, for every instance the host has, whatever its power
   * state: the image cache never removes these. Includes an instance whose spawn has got as far as making its disks.
   */
  imageFilesInUse(): Promise<string[]>;
  /** The guest's serial console output so far (the last `maxBytes`, default 1 MiB); "" when there is none. */
  consoleLog(instanceId: string, maxBytes?: number): Promise<string>;

  /** Closes the hypervisor connection. */
  close(): Promise<void>;
}
