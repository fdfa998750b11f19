import { execFile } from 'node:child_process';
import path from 'node:path';
import type { HypervisorDriver } from './driver';
import { LibvirtDriver } from './drivers/libvirt.driver';

export type DriverKind = 'libvirt' | 'test';

/** Capacity a simulated (test-driver) host advertises unless told otherwise. */
export const TEST_HOST_DEFAULTS = { vcpus: 8, memoryMb: 16_384, diskGb: 200 };

/** The hypervisor driver for one host: real qemu guests, or a simulated host on libvirt's test hypervisor. */
export function makeDriver(
  kind: DriverKind,
  o: { host: string; stateDir: string; vcpus?: number; memoryMb?: number; diskGb?: number },
): HypervisorDriver {
  if (kind === 'libvirt') return new LibvirtDriver({ instancesDir: path.join(o.stateDir, 'instances'), accel: 'tcg' });
  return new LibvirtDriver({
    uri: 'test',
    hostName: o.host,
    vcpus: o.vcpus ?? TEST_HOST_DEFAULTS.vcpus,
    memoryMb: o.memoryMb ?? TEST_HOST_DEFAULTS.memoryMb,
    diskGb: o.diskGb ?? TEST_HOST_DEFAULTS.diskGb,
    stateDir: o.stateDir,
  });
}

const LIBVIRT_UP = path.resolve(import.meta.dirname, '../../scripts/libvirt-up.sh');

/**
 * Which driver the all-in-one stack can use here, and why: the real one when libvirtd answers on qemu:///system
 * (scripts/libvirt-up.sh installs and starts it when we are root), else the test hypervisor.
 */
export function detectDriver(timeoutMs = 300_000): Promise<{ kind: DriverKind; why: string }> {
  return new Promise((resolve) => {
    execFile('bash', [LIBVIRT_UP], { timeout: timeoutMs }, (err, _out, stderr) => {
      if (!err)
        return resolve({ kind: 'libvirt', why: 'libvirtd answers on qemu:///system (guests run under qemu TCG)' });
      const reason = String(stderr).trim().split('\n').at(-1) || err.message;
      resolve({
        kind: 'test',
        why: `libvirtd is not available (${reason}); instances run on libvirt's test hypervisor`,
      });
    });
  });
}
