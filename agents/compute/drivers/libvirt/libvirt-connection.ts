/**
 * The one place that talks to the @unraid/libvirt binding. It turns libvirt's "no such domain" and "not running"
 * errors (the binding only keeps libvirt's message, not its error code) into null / no-ops, which is what an
 * idempotent driver needs, and names the URI in every other error.
 */
import { type Domain, DomainState, Hypervisor } from '@unraid/libvirt';

export { DomainState };
export type { Domain };

export type DomainStatus = { state: DomainState; vcpus: number; memoryMb: number };
export type NodeInfo = { cpus: number; memoryMb: number; model: string };

// libvirt's messages for VIR_ERR_NO_DOMAIN and VIR_ERR_OPERATION_INVALID on an inactive domain
const NO_DOMAIN = /^Domain not found/i;
const NOT_RUNNING = /domain is not running/i;

// what calls fail with once libvirtd went away (restarted, killed): the connection is dead for good
const CONNECTION_LOST =
  /client socket is closed|Broken pipe|Cannot (recv|write) data|End of file while reading|Connection reset/i;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class LibvirtConnection {
  /** Set once a call failed because libvirtd went away; the owner opens a new connection then. */
  lost = false;

  private constructor(
    readonly uri: string,
    private readonly hv: Hypervisor,
  ) {}

  static async open(uri: string): Promise<LibvirtConnection> {
    const hv = new Hypervisor({ uri });
    try {
      await hv.connectOpen();
    } catch (e) {
      const msg = messageOf(e);
      const hint = /Failed to connect socket|No such file or directory|Connection refused/i.test(msg)
        ? ' (is libvirtd running? As root, scripts/libvirt-up.sh starts it)'
        : /Permission denied/i.test(msg)
          ? ' (no access to the libvirt socket: run as root or as a member of group libvirt)'
          : '';
      throw new Error(`cannot connect to libvirt at ${uri}: ${msg}${hint}`, { cause: e });
    }
    return new LibvirtConnection(uri, hv);
  }

  close(): Promise<void> {
    return this.hv.connectClose();
  }

  /** The domain of this name, or null when there is none. */
  async lookup(name: string): Promise<Domain | null> {
    try {
      return await this.hv.domainLookupByName(name);
    } catch (e) {
      if (NO_DOMAIN.test(messageOf(e))) return null;
      throw this.wrap(`looking up domain ${name}`, e);
    }
  }

  /** The domain's state, or null when it vanished since it was looked up. */
  async status(dom: Domain): Promise<DomainStatus | null> {
    try {
      const info = await this.hv.domainGetInfo(dom);
      return { state: info.state, vcpus: info.nrVirtCpu, memoryMb: Math.round(info.maxMem / 1024) };
    } catch (e) {
      if (NO_DOMAIN.test(messageOf(e))) return null;
      throw this.wrap('reading domain state', e);
    }
  }

  /** Every domain with its name and state (domains that vanish while being listed are left out). */
  async list(): Promise<{ name: string; state: DomainState }[]> {
    const doms = await this.call('listing domains', () => this.hv.connectListAllDomains());
    const rows = await Promise.all(
      doms.map(async (d) => {
        try {
          const [name, info] = await Promise.all([this.hv.domainGetName(d), this.hv.domainGetInfo(d)]);
          return { name, state: info.state };
        } catch (e) {
          if (NO_DOMAIN.test(messageOf(e))) return null;
          throw this.wrap('listing domains', e);
        }
      }),
    );
    return rows.filter((r): r is { name: string; state: DomainState } => r !== null);
  }

  /** The domain's XML as libvirt keeps it; null when it vanished since it was looked up. */
  async xml(dom: Domain): Promise<string | null> {
    try {
      return await this.hv.domainGetXMLDesc(dom);
    } catch (e) {
      if (NO_DOMAIN.test(messageOf(e))) return null;
      throw this.wrap('reading the domain XML', e);
    }
  }

  define(xml: string): Promise<Domain> {
    return this.call('defining the domain', () => this.hv.domainDefineXML(xml));
  }
  start(dom: Domain): Promise<void> {
    return this.call('starting the domain', () => this.hv.domainCreate(dom));
  }
  /** ACPI power button: the guest decides whether (and when) it shuts down. */
  shutdown(dom: Domain): Promise<void> {
    return this.call('asking the guest to shut down', () => this.hv.domainShutdown(dom));
  }
  pause(dom: Domain): Promise<void> {
    return this.call('pausing the domain', () => this.hv.domainSuspend(dom));
  }
  unpause(dom: Domain): Promise<void> {
    return this.call('unpausing the domain', () => this.hv.domainResume(dom));
  }
  /** Writes the guest's memory and device state to `file`; the domain is shut off afterwards. */
  save(dom: Domain, file: string): Promise<void> {
    return this.call('saving the domain', () => this.hv.domainSave(dom, file));
  }
  /** Starts the domain saved in `file` where it left off. */
  restore(file: string): Promise<void> {
    return this.call('restoring the domain', () => this.hv.domainRestore(file));
  }

  /** Hard power-off; a domain that is not running (or is gone) is left as it is. */
  async destroy(dom: Domain): Promise<void> {
    try {
      await this.hv.domainDestroy(dom);
    } catch (e) {
      if (NOT_RUNNING.test(messageOf(e)) || NO_DOMAIN.test(messageOf(e))) return;
      throw this.wrap('destroying the domain', e);
    }
  }

  async undefine(dom: Domain): Promise<void> {
    try {
      await this.hv.domainUndefine(dom);
    } catch (e) {
      if (NO_DOMAIN.test(messageOf(e))) return;
      throw this.wrap('undefining the domain', e);
    }
  }

  async nodeInfo(): Promise<NodeInfo> {
    const n = await this.call('reading node info', () => this.hv.nodeGetInfo());
    return { cpus: n.cpus, memoryMb: Math.floor(n.memory / 1024), model: n.model };
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.wrap(what, e);
    }
  }

  private wrap(what: string, e: unknown): Error {
    if (CONNECTION_LOST.test(messageOf(e))) this.lost = true;
    return new Error(`libvirt (${this.uri}) failed ${what}: ${messageOf(e)}`, { cause: e });
  }
}
