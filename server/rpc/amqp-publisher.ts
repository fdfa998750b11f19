import type { AmqpConnectionManager, Channel, ChannelWrapper } from 'amqp-connection-manager';
import type { Options } from 'amqplib';
import { AppError } from '../lib/errors';
import { logger } from '../lib/logger';
import { Inflight, sleep, withTimeout } from './inflight';
import { declareExchange, declareQueue, watchChannel, type QueueKind, type QueueType } from './amqp-topology';

const log = logger.child({ c: 'bus' });

export interface PublishTarget {
  exchange: string;
  routingKey: string;
  /** Declarations the target needs (the queue a cast goes to); awaited within the same deadline. */
  before?: () => Promise<void>;
}

/**
 * One confirm channel for everything this process sends. The channel wrapper buffers publishes while the broker is
 * away and sends them after the next connect, once every setup (declaration) has run again.
 */
export class AmqpPublisher {
  private readonly wrapper: ChannelWrapper;
  private readonly declared = new Map<string, Promise<void>>();
  private readonly inflight = new Inflight();
  private closed = false;

  /** Names declared through this process that outlive it (durable queues, exchanges), for operators and cleanup. */
  private readonly names = { queues: new Set<string>(), exchanges: new Set<string>() };

  constructor(
    manager: AmqpConnectionManager,
    private readonly queueType: QueueType,
    onChannelError: (err: Error, name: string) => void,
  ) {
    this.wrapper = manager.createChannel({
      name: 'publisher',
      confirm: true,
      setup: async (ch: Channel) => watchChannel(ch, 'publisher', onChannelError),
    });
    this.wrapper.on('error', (err: Error) => log.warn({ err: err.message }, 'publisher channel setup failed'));
  }

  /**
   * Runs `setup` now (if connected) and after every reconnect, once per key. Buffered publishes wait for setups, so a
   * queue declared here exists before a message is routed to it, even right after a broker restart.
   */
  private ensure(key: string, setup: (ch: Channel) => Promise<void>): Promise<void> {
    let done = this.declared.get(key);
    if (!done) {
      done = this.wrapper.addSetup(setup).catch((err: unknown) => {
        // The setup stays registered and re-runs on the next connect; a lost channel is not the caller's problem.
        log.warn({ key, err: err instanceof Error ? err.message : String(err) }, 'declaration failed, will retry');
      });
      this.declared.set(key, done);
    }
    return done;
  }

  ensureQueue(name: string, kind: QueueKind): Promise<void> {
    if (kind === 'work') this.remember('queues', name);
    return this.ensure(`queue:${name}`, (ch) => declareQueue(ch, name, kind, this.queueType));
  }

  ensureExchange(name: string, type: 'fanout' | 'topic'): Promise<void> {
    this.remember('exchanges', name);
    return this.ensure(`exchange:${name}`, (ch) => declareExchange(ch, name, type));
  }

  remember(kind: 'queues' | 'exchanges', name: string): void {
    this.names[kind].add(name);
  }

  topology(): { queues: string[]; exchanges: string[] } {
    return { queues: [...this.names.queues], exchanges: [...this.names.exchanges] };
  }

  /**
   * Resolves when the broker confirmed the message. A publish that was in flight when the connection dropped gets no
   * confirm; it is sent again until the deadline (same message id, so at-least-once for idempotent handlers).
   */
  publish(target: PublishTarget, body: string, props: Options.Publish, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const unavailable = () => new AppError('Unavailable', `${what}: broker did not confirm within ${timeoutMs} ms`);
    const work = (async () => {
      if (target.before) await withTimeout(target.before(), timeoutMs, what).catch(() => Promise.reject(unavailable()));
      const content = Buffer.from(body, 'utf8');
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) throw unavailable();
        try {
          await this.wrapper.publish(target.exchange, target.routingKey, content, { ...props, timeout: left });
          return;
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (this.closed) throw new AppError('Unavailable', `${what}: RPC bus closed before the broker confirmed`);
          if (message === 'timeout') throw unavailable();
          log.warn({ what, err: message }, 'publish not confirmed, sending again');
          await sleep(Math.min(200, Math.max(0, deadline - Date.now())));
        }
      }
    })();
    return this.inflight.track(work);
  }

  /** Waits for unconfirmed publishes; false when the deadline came first. */
  drain(timeoutMs: number): Promise<boolean> {
    return this.inflight.drain(timeoutMs);
  }

  async deleteQueue(name: string, timeoutMs: number): Promise<void> {
    await withTimeout(this.wrapper.deleteQueue(name), timeoutMs, `delete ${name}`).catch(() => undefined);
  }

  async close(timeoutMs: number): Promise<void> {
    this.closed = true;
    await withTimeout(this.wrapper.close(), timeoutMs, 'close publisher').catch(() => undefined);
  }
}
