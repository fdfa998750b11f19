/** The qemu:///system flavour: real guests under qemu, TCG unless told KVM works here. */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import type { DomainSpec } from '../../driver';
import type { HostFlavour } from './host-flavour';
import { createEmpty, createOverlay, growTo, virtualSizeBytes } from './qemu-img';

export type LibvirtQemuOptions = {
  /** Defaults to qemu:///system. */
  uri?: string;
  /** Where instance directories (disks, console log) go; must be readable by the qemu processes libvirtd runs. */
  instancesDir: string;
  /**
   * 'tcg' (the default) emulates the CPU. KVM guests hang on the machines we run on although /dev/kvm exists, and
   * there is no cheap, reliable probe for "KVM works here", so KVM is something a host's config asks for.
   */
  accel?: 'tcg' | 'kvm';
};

const GiB = 1024 ** 3;

export class QemuHost implements HostFlavour {
  readonly name = 'libvirt-qemu';
  readonly hypervisorType = 'QEMU';
  readonly uri: string;
  readonly domainType: 'qemu' | 'kvm';
  readonly instancesDir: string;

  constructor(opts: LibvirtQemuOptions) {
    this.uri = opts.uri ?? 'qemu:///system';
    this.domainType = opts.accel === 'kvm' ? 'kvm' : 'qemu';
    this.instancesDir = opts.instancesDir;
  }

  async prepare(): Promise<void> {
    if (this.domainType === 'kvm') {
      await fs.access('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK).catch(() => {
        throw new Error('accel kvm was asked for but /dev/kvm is not usable here: use accel tcg');
      });
    }
    await fs.mkdir(this.instancesDir, { recursive: true });
  }

  hypervisorVersion(): Promise<number> {
    // the binding has no virConnectGetVersion; the emulator libvirt runs by default reports the same number
    return new Promise((resolve) => {
      execFile('qemu-system-x86_64', ['--version'], (err, stdout) => {
        const m = /version (\d+)\.(\d+)\.(\d+)/.exec(String(stdout));
        resolve(err || !m ? 0 : Number(m[1]) * 1_000_000 + Number(m[2]) * 1_000 + Number(m[3]));
      });
    });
  }

  async diskGb(): Promise<number> {
    const st = await fs.statfs(this.instancesDir);
    return Math.floor((st.blocks * st.bsize) / GiB);
  }

  async createRootDisk(spec: DomainSpec, file: string): Promise<void> {
    const boot = spec.boot;
    if (boot.kind === 'kernel') return createEmpty(file, spec.rootGb * 1024);
    const baseBytes = await virtualSizeBytes(boot.basePath);
    if (spec.rootGb > 0 && spec.rootGb * GiB < baseBytes) {
      throw new Error(
        `the flavor's root disk (${spec.rootGb} GiB) is smaller than the image (${(baseBytes / GiB).toFixed(1)} GiB)`,
      );
    }
    // root_gb 0 means "as large as the image", as in Nova
    await createOverlay(file, boot.basePath, boot.baseFormat, spec.rootGb || undefined);
  }

  createBlankDisk(file: string, sizeMb: number): Promise<void> {
    return createEmpty(file, sizeMb);
  }

  async isSmallerThan(file: string, sizeGb: number): Promise<boolean> {
    return (await virtualSizeBytes(file)) < sizeGb * GiB;
  }

  growDisk(file: string, sizeGb: number): Promise<void> {
    return growTo(file, sizeGb);
  }

  async started(): Promise<void> {
    // the guest writes its own console log
  }
}
