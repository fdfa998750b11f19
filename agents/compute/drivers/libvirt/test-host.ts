/**
 * The flavour on libvirt's test hypervisor, for simulated hosts. A `test:///<file>` connection loads the host from
 * that XML file into private, in-memory state, so each simulated host (each driver) has its own domains and its own
 * advertised capacity; test:///default would be one shared host per process. The test hypervisor lives in the
 * libvirt client library itself: no libvirtd, no qemu, no real disks.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { HostFlavour } from './host-flavour';
import { escapeXml } from './domain-xml';

export type LibvirtTestOptions = {
  uri: 'test';
  /** Names the simulated host in messages and in the synthetic console logs. */
  hostName: string;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  /** This host's own directory: its node XML and its instance directories. */
  stateDir: string;
};

/** The test hypervisor's node description (the format of libvirt's examples/xml/test/testnode.xml). */
export function testNodeXml(opts: Pick<LibvirtTestOptions, 'vcpus' | 'memoryMb'>): string {
  const n = escapeXml(opts.vcpus);
  return [
    '<node>',
    `  <cpu><mhz>2000</mhz><model>cumulo-test</model><active>${n}</active><max>${n}</max>`,
    `    <nodes>1</nodes><sockets>1</sockets><cores>${n}</cores><threads>1</threads></cpu>`,
    `  <memory>${escapeXml(opts.memoryMb * 1024)}</memory>`,
    '</node>',
    '',
  ].join('\n');
}

export class TestHost implements HostFlavour {
  readonly name = 'libvirt-test';
  readonly hypervisorType = 'test';
  readonly domainType = 'test';
  readonly uri: string;
  readonly instancesDir: string;
  private readonly nodeFile: string;

  constructor(private readonly opts: LibvirtTestOptions) {
    const stateDir = path.resolve(opts.stateDir);
    this.nodeFile = path.join(stateDir, 'host.xml');
    this.instancesDir = path.join(stateDir, 'instances');
    this.uri = `test://${this.nodeFile}`;
  }

  async prepare(): Promise<void> {
    await fs.mkdir(this.instancesDir, { recursive: true });
    await fs.writeFile(this.nodeFile, testNodeXml(this.opts));
  }

  async hypervisorVersion(): Promise<number> {
    return 2; // what the test hypervisor's virConnectGetVersion answers (0.0.2)
  }

  async diskGb(): Promise<number> {
    return this.opts.diskGb;
  }

  async createRootDisk(_spec: unknown, file: string): Promise<void> {
    await fs.writeFile(file, ''); // a placeholder: the test hypervisor never opens disks
  }

  async createBlankDisk(file: string): Promise<void> {
    await fs.writeFile(file, '');
  }

  async isSmallerThan(): Promise<boolean> {
    return false;
  }

  async growDisk(): Promise<void> {}

  async started(spec: { instanceId: string }, consoleLog: string, how: 'booted' | 'resumed'): Promise<void> {
    // no guest writes a console here: a line that names the instance lets tests check the plumbing end to end
    await fs.appendFile(consoleLog, `Cumulo test hypervisor: ${spec.instanceId} ${how} on ${this.opts.hostName}\n`);
  }
}
