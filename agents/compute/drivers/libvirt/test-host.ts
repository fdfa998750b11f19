/**
 * The flavour on libvirt's test hypervisor, for simulated hosts. A `test:///<file>` connection loads the host from
 * that XML file into private, in-memory state, so each simulated host (each driver) has its own domains and its own
 * advertised capacity; test:///default would be one shared host per process. The test hypervisor lives in the
 * libvirt client library itself: no libvirtd, no qemu, no real disks.
 *
 * That state dies with the connection, where a real host keeps its domains across an agent restart. So after every
 * change the driver has this host write its defined domains, each with its run state, into the node file the next
 * connection loads: libvirt's test driver reads `<domain>` elements inside `<node>`, and starts (or pauses) those whose
 * `<test:runstate>` (its domain XML namespace) says so.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { HostFlavour } from './host-flavour';
import { escapeXml } from './domain-xml';
import { DomainState, type LibvirtConnection } from './libvirt-connection';

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

const TEST_NS = 'http://libvirt.org/schemas/domain/test/1.0';

/**
 * The test hypervisor's node description (the format of libvirt's examples/xml/test/testnode.xml), with these
 * domains (their XML as defined) in these run states.
 */
export function testNodeXml(
  opts: Pick<LibvirtTestOptions, 'vcpus' | 'memoryMb'>,
  domains: { xml: string; state: DomainState }[] = [],
): string {
  const n = escapeXml(opts.vcpus);
  return [
    '<node>',
    `  <cpu><mhz>2000</mhz><model>cumulo-test</model><active>${n}</active><max>${n}</max>`,
    `    <nodes>1</nodes><sockets>1</sockets><cores>${n}</cores><threads>1</threads></cpu>`,
    `  <memory>${escapeXml(opts.memoryMb * 1024)}</memory>`,
    ...domains.map((d) => withRunState(d.xml, d.state)),
    '</node>',
    '',
  ].join('\n');
}

function withRunState(xml: string, state: DomainState): string {
  // a domain libvirt has no state for is one that is not running
  const runstate = state === DomainState.NOSTATE ? DomainState.SHUTOFF : state;
  return xml
    .replace(/^<domain\b/, `<domain xmlns:test='${TEST_NS}'`)
    .replace(/<\/domain>\s*$/, `<test:runstate>${runstate}</test:runstate>\n</domain>`);
}

/** The domains a node file holds, by name, as they were defined (without what withRunState added). */
export function domainsInNodeXml(nodeXml: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const [xml] of nodeXml.matchAll(/<domain\b[\s\S]*?<\/domain>/g)) {
    const name = /<name>([^<]*)<\/name>/.exec(xml)?.[1];
    if (!name) continue;
    found.set(name, xml.replace(` xmlns:test='${TEST_NS}'`, '').replace(/<test:runstate>\d+<\/test:runstate>\n?/, ''));
  }
  return found;
}

export class TestHost implements HostFlavour {
  readonly name = 'libvirt-test';
  readonly hypervisorType = 'test';
  readonly domainType = 'test';
  readonly uri: string;
  readonly instancesDir: string;
  private readonly nodeFile: string;
  /** Each defined domain's XML, by name: what the node file gets (libvirt's own dump would drop the run state). */
  private readonly defined = new Map<string, string>();
  /** The write under way, and the one queued behind it that every change meanwhile joins. */
  private writing: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private tmpSeq = 0;

  constructor(private readonly opts: LibvirtTestOptions) {
    const stateDir = path.resolve(opts.stateDir);
    this.nodeFile = path.join(stateDir, 'host.xml');
    this.instancesDir = path.join(stateDir, 'instances');
    this.uri = `test://${this.nodeFile}`;
  }

  async prepare(): Promise<void> {
    await fs.mkdir(this.instancesDir, { recursive: true });
    // the domains an earlier connection (an earlier agent process) wrote down come back; the capacity is today's
    const before = await fs.readFile(this.nodeFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw e;
    });
    const kept = [...before.matchAll(/<domain\b[\s\S]*?<\/domain>/g)].map(([xml]) => xml);
    for (const [name, xml] of domainsInNodeXml(before)) this.defined.set(name, xml);
    const node = testNodeXml(this.opts).replace(/<\/node>\n$/, [...kept, '</node>', ''].join('\n'));
    await this.writeAtomically(node);
  }

  /** The driver defined (or redefined) this domain. */
  remember(name: string, xml: string): void {
    this.defined.set(name, xml);
  }

  /** The driver undefined this domain. */
  forget(name: string): void {
    this.defined.delete(name);
  }

  /**
   * Writes the host's domains and their run states into the node file, once every change before this call is in
   * libvirt. Writes run one at a time; calls while one runs share the next, which reads the state when it starts.
   */
  persist(conn: LibvirtConnection): Promise<void> {
    if (this.queued) return this.queued;
    const next = (this.writing ?? Promise.resolve())
      .catch(() => undefined) // the failed write's callers have its error; this one tries afresh
      .then(() => {
        this.queued = null;
        this.writing = next;
        return this.writeNode(conn);
      })
      .finally(() => {
        if (this.writing === next) this.writing = null;
      });
    this.queued = next;
    return next;
  }

  private async writeNode(conn: LibvirtConnection): Promise<void> {
    const rows = await conn.list();
    const domains = rows.flatMap(({ name, state }) => {
      const xml = this.defined.get(name);
      return xml ? [{ xml, state }] : [];
    });
    await this.writeAtomically(testNodeXml(this.opts, domains));
  }

  /** A temporary file renamed over the node file: a reader (or a crash) never sees half of one. */
  private async writeAtomically(content: string): Promise<void> {
    const tmp = `${this.nodeFile}.${process.pid}.${++this.tmpSeq}.tmp`;
    try {
      await fs.writeFile(tmp, content);
      await fs.rename(tmp, this.nodeFile);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
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
