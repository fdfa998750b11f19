import type { AmqpConnectionManager, Channel, ChannelWrapper } from 'amqp-connection-manager';
import type { ConsumeMessage } from 'amqplib';
import { AppError } from '../lib/errors';
import { logger } from '../lib/logger';
import { withTimeout } from './inflight';
import { watchChannel } from './amqp-topology';

const log = logger.child({ c: 'bus' });

export interface Settle {
  ack(): void;
  requeue(): void;
}

export interface ConsumerSpec {
  name: string;
  queue: string;
  prefetch?: number;
  /** Replies only: nobody would redeliver a reply to a caller that is gone. */
  noAck?: boolean;
  /** Re-run on every new channel before consuming resumes: the queue, its exchange, its bindings. */
  declare(ch: Channel): Promise<void>;
  onMessage(msg: ConsumeMessage, settle: Settle): void;
  onChannelError(err: Error, name: string): void;
}

/**
 * One channel per consumed queue, so a slow handler's prefetch window or a channel error on one queue does not stall
 * the others; the wrapper re-declares and re-consumes after every reconnect.
 */
export class AmqpConsumer {
  private readonly wrapper: ChannelWrapper;
  /** The channel of the current connection; deliveries are acked on the channel that delivered them. */
  private current: Channel | undefined;

  constructor(
    manager: AmqpConnectionManager,
    private readonly spec: ConsumerSpec,
  ) {
    this.wrapper = manager.createChannel({
      name: spec.name,
      confirm: false,
      setup: async (ch: Channel) => {
        this.current = ch;
        watchChannel(ch, spec.name, spec.onChannelError);
        await spec.declare(ch);
      },
    });
    this.wrapper.on('error', (err: Error) =>
      log.warn({ consumer: spec.name, err: err.message }, 'consumer channel setup failed'),
    );
  }

  /** Resolves once the broker accepted the consumer; rejects with Unavailable if it cannot be reached in time. */
  async start(timeoutMs: number): Promise<void> {
    const { queue, prefetch, noAck } = this.spec;
    try {
      await withTimeout(this.wrapper.waitForConnect(), timeoutMs, `connect for ${queue}`);
      // Workers starting together declare the same queue at once; the broker may close one of their channels
      // mid-declare (seen with quorum queues). The wrapper then opens a new channel and re-runs setup, so a closed
      // channel is worth a few more tries rather than a failed start.
      for (let attempt = 1; ; attempt++) {
        try {
          await withTimeout(
            this.wrapper.consume(queue, (msg) => this.receive(msg), {
              ...(prefetch ? { prefetch } : {}),
              noAck: noAck ?? false,
            }),
            timeoutMs,
            `consume ${queue}`,
          );
          break;
        } catch (err) {
          if (attempt >= 3 || !/channel (ended|closed)/i.test(String((err as Error)?.message))) throw err;
          log.warn({ consumer: this.spec.name, attempt, err: (err as Error).message }, 'consume refused, retrying');
          await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
    } catch (err) {
      await this.close(1_000);
      throw new AppError(
        'Unavailable',
        `Could not start consuming ${queue}: ${err instanceof Error ? err.message : err}`,
      );
    }
  }

  private receive(msg: ConsumeMessage): void {
    // Acking on a later channel would name a delivery tag it never issued and get the channel closed; after a
    // reconnect the broker has already requeued what the old channel held, so a stale ack is simply dropped.
    const ch = this.current;
    const settle = (op: (c: Channel) => void) => () => {
      try {
        if (ch) op(ch);
      } catch {
        log.debug({ consumer: this.spec.name }, 'channel gone before ack; the broker redelivers');
      }
    };
    this.spec.onMessage(msg, {
      ack: settle((c) => c.ack(msg)),
      requeue: settle((c) => c.nack(msg, false, true)),
    });
  }

  /** Stops new deliveries; what was already delivered can still be acked. */
  async cancel(timeoutMs: number): Promise<void> {
    await withTimeout(this.wrapper.cancelAll(), timeoutMs, 'cancel').catch(() => undefined);
  }

  /** Closing the channel returns its unacked messages to the queue. */
  async close(timeoutMs: number): Promise<void> {
    await withTimeout(this.wrapper.close(), timeoutMs, 'close consumer').catch(() => undefined);
  }
}
