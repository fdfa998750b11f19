import { performance } from 'node:perf_hooks';
import type { Bus, Subscription } from '../../server/rpc/bus';
import { INSTANCE_EVENT, type TInstanceEvent } from '../../server/services/compute/instance-events';

/** When (performance.now()) this process first heard of each milestone of one instance. */
export type Milestones = {
  /** The scheduler's decision committed: claimed on a host, now spawning there. */
  placed?: number;
  host?: string;
  active?: number;
  error?: number;
  fault?: string;
  gone?: number;
};

type Waiter = { want: 'settled' | 'gone'; resolve: () => void };

/**
 * Follows every instance through the notifications the lifecycle publishes after each committed transition
 * (`instance.<project>.instance.update`, the ones the socket.io relay forwards to dashboards), so a client knows the
 * moment a server is ACTIVE without polling. Events may arrive before the POST that caused them has answered: they
 * are kept by instance id until someone asks.
 */
export class InstanceWatch {
  readonly seen = new Map<string, Milestones>();
  /** Timestamps of every placement and every no-valid-host decision: the scheduler's output. */
  readonly decisions: number[] = [];
  private readonly waiters = new Map<string, Waiter[]>();
  private sub?: Subscription;

  static async start(bus: Bus): Promise<InstanceWatch> {
    const w = new InstanceWatch();
    w.sub = await bus.subscribe(`instance.*.${INSTANCE_EVENT}`, (n) => w.onEvent(n.payload as TInstanceEvent));
    return w;
  }

  private onEvent(e: TInstanceEvent) {
    const now = performance.now();
    const m = this.seen.get(e.id) ?? {};
    this.seen.set(e.id, m);
    if (e.deleted) m.gone ??= now;
    else if (e.status === 'ACTIVE') m.active ??= now;
    else if (e.status === 'ERROR') {
      if (m.error === undefined && !m.placed) this.decisions.push(now); // no valid host: also a decision
      m.error ??= now;
      m.fault ??= e.fault?.message;
    } else if (e.taskState === 'spawning' && e.host && m.placed === undefined) {
      m.placed = now;
      m.host = e.host;
      this.decisions.push(now);
    }
    const ws = this.waiters.get(e.id);
    if (!ws) return;
    const left = ws.filter((w) => !this.done(m, w.want) || (w.resolve(), false));
    if (left.length) this.waiters.set(e.id, left);
    else this.waiters.delete(e.id);
  }

  private done(m: Milestones, want: Waiter['want']) {
    return want === 'gone' ? m.gone !== undefined : m.active !== undefined || m.error !== undefined;
  }

  /** Resolves once the instance is ACTIVE or ERROR (`settled`) or deleted (`gone`); false after `timeoutMs`. */
  wait(id: string, want: Waiter['want'], timeoutMs: number): Promise<boolean> {
    const m = this.seen.get(id) ?? {};
    if (this.done(m, want)) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const list = this.waiters.get(id) ?? [];
      list.push({ want, resolve: () => (clearTimeout(timer), resolve(true)) });
      this.waiters.set(id, list);
    });
  }

  async stop() {
    await this.sub?.unsubscribe();
  }
}
