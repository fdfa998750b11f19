import { topicMatches } from './topic-pattern';

/**
 * A tiny in-process stand-in for the parts of RabbitMQ the bus relies on: named queues with round-robin consumers and
 * a prefetch window, unacked messages returned to the queue when their consumer goes away, per-message expiry, fanout
 * and topic bindings, and reply routing. Everything is delivered asynchronously so handler ordering matches AMQP.
 */
export interface MemMessage {
  content: string;
  headers: Record<string, string | number>;
  replyTo?: string;
  correlationId?: string;
  /** Epoch ms after which the message is dropped instead of delivered (AMQP `expiration`). */
  expiresAt?: number;
  redelivered?: boolean;
}

export interface Settle {
  ack(): void;
  requeue(): void;
}

export interface MemConsumerHandle {
  /** Stop new deliveries; unacked messages stay with the consumer until settled or closed. */
  cancel(): void;
  /** Return every unacked message to its queue, as a closing AMQP channel would. */
  close(): void;
}

interface Consumer {
  prefetch: number;
  unacked: Set<MemMessage>;
  active: boolean;
  onMessage(m: MemMessage, settle: Settle): void;
}

class MemQueue {
  readonly ready: MemMessage[] = [];
  readonly consumers: Consumer[] = [];
  private next = 0;
  private scheduled = false;

  constructor(
    readonly name: string,
    readonly autoDelete: boolean,
  ) {}

  push(m: MemMessage, front = false): void {
    if (front) this.ready.unshift(m);
    else this.ready.push(m);
    this.schedule();
  }

  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.ready.length > 0) {
      const consumer = this.pickConsumer();
      if (!consumer) return;
      const m = this.ready.shift();
      if (!m) return;
      if (m.expiresAt !== undefined && m.expiresAt <= Date.now()) continue;
      this.deliver(consumer, m);
    }
  }

  private pickConsumer(): Consumer | undefined {
    const n = this.consumers.length;
    for (let i = 0; i < n; i++) {
      const c = this.consumers[(this.next + i) % n];
      if (c && c.active && c.unacked.size < c.prefetch) {
        this.next = (this.next + i + 1) % n;
        return c;
      }
    }
    return undefined;
  }

  private deliver(c: Consumer, m: MemMessage): void {
    c.unacked.add(m);
    let settled = false;
    const settle = (requeue: boolean) => {
      // Settling twice, or after close() already returned it, must not duplicate the message.
      if (settled || !c.unacked.delete(m)) return;
      settled = true;
      if (requeue) this.push({ ...m, redelivered: true }, true);
      this.schedule();
    };
    c.onMessage(m, { ack: () => settle(false), requeue: () => settle(true) });
  }
}

export class MemoryBroker {
  private readonly queues = new Map<string, MemQueue>();
  private readonly fanouts = new Map<string, Set<string>>();
  private readonly topicBindings: { exchange: string; pattern: string; queue: string }[] = [];
  private readonly replyTargets = new Map<string, (correlationId: string, content: string) => void>();

  assertQueue(name: string, opts: { autoDelete?: boolean } = {}): void {
    if (!this.queues.has(name)) this.queues.set(name, new MemQueue(name, opts.autoDelete ?? false));
  }

  deleteQueue(name: string): void {
    this.queues.delete(name);
    for (const set of this.fanouts.values()) set.delete(name);
    for (let i = this.topicBindings.length - 1; i >= 0; i--) {
      if (this.topicBindings[i]?.queue === name) this.topicBindings.splice(i, 1);
    }
  }

  bindFanout(exchange: string, queue: string): void {
    const set = this.fanouts.get(exchange) ?? new Set<string>();
    set.add(queue);
    this.fanouts.set(exchange, set);
  }

  bindTopic(exchange: string, pattern: string, queue: string): void {
    const exists = this.topicBindings.some(
      (b) => b.exchange === exchange && b.pattern === pattern && b.queue === queue,
    );
    if (!exists) this.topicBindings.push({ exchange, pattern, queue });
  }

  /** Like the default exchange: a message for a queue nobody declared is dropped. */
  sendToQueue(queue: string, m: MemMessage): void {
    this.queues.get(queue)?.push({ ...m, headers: { ...m.headers } });
  }

  publishFanout(exchange: string, m: MemMessage): void {
    for (const q of this.fanouts.get(exchange) ?? []) this.sendToQueue(q, m);
  }

  publishTopic(exchange: string, routingKey: string, m: MemMessage): void {
    const targets = new Set<string>();
    for (const b of this.topicBindings) {
      if (b.exchange === exchange && topicMatches(b.pattern, routingKey)) targets.add(b.queue);
    }
    for (const q of targets) this.sendToQueue(q, m);
  }

  consume(queue: string, prefetch: number, onMessage: Consumer['onMessage']): MemConsumerHandle {
    const q = this.queues.get(queue);
    if (!q) throw new Error(`memory broker: no queue ${queue}`);
    const c: Consumer = { prefetch, unacked: new Set(), active: true, onMessage };
    q.consumers.push(c);
    q.schedule();
    const detach = () => {
      const i = q.consumers.indexOf(c);
      if (i >= 0) q.consumers.splice(i, 1);
      if (q.autoDelete && q.consumers.length === 0) this.deleteQueue(queue);
    };
    return {
      cancel: () => {
        c.active = false;
      },
      close: () => {
        c.active = false;
        for (const m of [...c.unacked].reverse()) q.push({ ...m, redelivered: true }, true);
        c.unacked.clear();
        detach();
      },
    };
  }

  setReplyTarget(replyTo: string, deliver: (correlationId: string, content: string) => void): void {
    this.replyTargets.set(replyTo, deliver);
  }

  removeReplyTarget(replyTo: string): void {
    this.replyTargets.delete(replyTo);
  }

  /** Replies are fire-and-forget like direct reply-to: a caller that went away simply never sees it. */
  reply(replyTo: string, correlationId: string, content: string): void {
    const target = this.replyTargets.get(replyTo);
    if (target) setImmediate(() => target(correlationId, content));
  }

  /** Takes every ready message off a queue (tests and operators inspecting the dead-letter queue). */
  drain(queue: string): MemMessage[] {
    const q = this.queues.get(queue);
    return q ? q.ready.splice(0) : [];
  }

  depth(queue: string): number {
    return this.queues.get(queue)?.ready.length ?? 0;
  }
}

let shared: MemoryBroker | undefined;

/** One broker per process, so every in-process service and agent bus with the same prefix reaches the others. */
export const sharedMemoryBroker = (): MemoryBroker => (shared ??= new MemoryBroker());
