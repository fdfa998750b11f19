import type { Channel } from 'amqp-connection-manager';
import type { Options } from 'amqplib';

/**
 * Queue declarations must be byte-identical wherever a queue is declared (publisher and consumer both declare it),
 * or RabbitMQ closes the channel with PRECONDITION_FAILED; so every declaration goes through here.
 *
 * Default `classic` durable queues: with publisher confirms and persistent messages a confirmed message is on disk
 * and survives a broker restart, which is all a single node can offer, and classic queues are cheap to create and
 * delete (tests make hundreds). `quorum` is the choice for a RabbitMQ cluster: replicated, and the only type that
 * survives losing a node. Switching an existing deployment needs the queues deleted first (the type is immutable).
 */
export type QueueType = 'classic' | 'quorum';

/** work: RPC topic/host queues, the DLQ and grouped subscribers; reply and live queues are per process. */
export type QueueKind = 'work' | 'reply' | 'live';

// Per-process queues outlive a short disconnect (buffered requests still name them) but not an absent process.
const ORPHAN_EXPIRY_MS = 60_000;

export function queueOptions(kind: QueueKind, queueType: QueueType): Options.AssertQueue {
  if (kind === 'work') {
    return queueType === 'quorum' ? { durable: true, arguments: { 'x-queue-type': 'quorum' } } : { durable: true };
  }
  // Not exclusive: re-declaring an exclusive queue after a client-side reconnect can hit RESOURCE_LOCKED while the
  // broker still holds the old connection, which would leave the channel dead.
  return { durable: false, autoDelete: kind === 'live', arguments: { 'x-expires': ORPHAN_EXPIRY_MS } };
}

export async function declareQueue(ch: Channel, name: string, kind: QueueKind, queueType: QueueType): Promise<void> {
  await ch.assertQueue(name, queueOptions(kind, queueType));
}

export async function declareExchange(ch: Channel, name: string, type: 'fanout' | 'topic'): Promise<void> {
  await ch.assertExchange(name, type, { durable: true });
}

/**
 * amqp-connection-manager only replaces a channel when the whole connection reconnects, so a channel the broker
 * closed on its own (a 404 after someone deleted a queue, a 406) would stay dead. The caller reacts by forcing a
 * reconnect, which re-runs every setup. Connection loss closes channels without an 'error' event, so it is not
 * reported here.
 */
export function watchChannel(ch: Channel, name: string, onError: (err: Error, name: string) => void): void {
  ch.on('error', (err: Error) => onError(err, name));
}
