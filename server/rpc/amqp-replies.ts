import type { AmqpConnectionManager, Channel } from 'amqp-connection-manager';
import { AmqpConsumer } from './amqp-consumer';
import type { AmqpPublisher } from './amqp-publisher';
import { declareQueue, type QueueType } from './amqp-topology';
import type { PendingCalls } from './pending-calls';

/**
 * This process's reply queue, made on the first call. Its name is fixed for the life of the bus, so requests buffered
 * during an outage still name a queue that exists once the broker is back.
 */
export class AmqpReplies {
  private consumer: Promise<AmqpConsumer> | undefined;

  constructor(
    readonly queue: string,
    private readonly deps: {
      manager: AmqpConnectionManager;
      publisher: AmqpPublisher;
      pending: PendingCalls;
      queueType: QueueType;
      connectTimeoutMs: number;
      onChannelError: (err: Error, name: string) => void;
    },
  ) {}

  ready(): Promise<AmqpConsumer> {
    if (!this.consumer) {
      const { manager, publisher, pending, queueType, connectTimeoutMs, onChannelError } = this.deps;
      const declare = (ch: Channel) => declareQueue(ch, this.queue, 'reply', queueType);
      const consumer = new AmqpConsumer(manager, {
        name: 'replies',
        queue: this.queue,
        noAck: true,
        declare,
        onMessage: (msg) => {
          const id: unknown = msg.properties.correlationId;
          if (typeof id === 'string') pending.settle(id, msg.content.toString('utf8'));
        },
        onChannelError,
      });
      // Declared on the publisher channel too: after a reconnect it then exists before buffered requests go out.
      this.consumer = publisher
        .ensureQueue(this.queue, 'reply')
        .then(() => consumer.start(connectTimeoutMs))
        .then(() => consumer);
      this.consumer.catch(() => (this.consumer = undefined));
    }
    return this.consumer;
  }

  /** Stops the consumer and deletes the queue, if it was ever made. */
  async close(): Promise<void> {
    const consumer = await this.consumer?.catch(() => undefined);
    if (!consumer) return;
    await consumer.close(5_000);
    await this.deps.publisher.deleteQueue(this.queue, 2_000);
  }
}
