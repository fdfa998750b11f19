import type { Channel } from 'amqp-connection-manager';
import type { ConsumeMessage, Options } from 'amqplib';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { logger } from '../lib/logger';
import { rpcName, type CallContract, type CastContract, type RpcContract, type RpcResult } from './contract';
import {
  DEFAULTS,
  type Bus,
  type BusEvent,
  type BusOptions,
  type CallOptions,
  type CloseOptions,
  type FanoutOptions,
  type NotificationHandler,
  type RpcHandler,
  type SendOptions,
  type ServeOptions,
  type SubscribeOptions,
  type Subscription,
} from './bus';
import { AmqpConnection, type AmqpConnectionOptions } from './amqp-connection';
import { AmqpConsumer, type Settle } from './amqp-consumer';
import { amqpEffects, messageProps, toInbound } from './amqp-inbound';
import { AmqpPublisher, type PublishTarget } from './amqp-publisher';
import { AmqpReplies } from './amqp-replies';
import { declareExchange, declareQueue, type QueueKind, type QueueType } from './amqp-topology';
import { applyOutcome, processNotification, RpcRegistry, type InboundMessage, type Outcome } from './dispatch';
import { Inflight, TimeoutError, withTimeout } from './inflight';
import { assertHost, buildNotification, buildOutbound, callTimeoutError, unwrapReply } from './outbound';
import { PendingCalls } from './pending-calls';
import { busNames, GROUP_RE, type BusNames } from './topology';

const log = logger.child({ c: 'bus' });

export interface AmqpBusOptions extends BusOptions, Omit<AmqpConnectionOptions, 'prefix'> {
  queueType?: QueueType;
  /** How long serve()/subscribe() wait for the broker before failing. Default 30 s. */
  connectTimeoutMs?: number;
}

type Decide = (m: InboundMessage) => Promise<Outcome>;

/** The bus over RabbitMQ (AMQP 0-9-1); amqp-connection-manager reconnects and re-runs every declaration. */
export class AmqpBus implements Bus {
  readonly prefix: string;
  readonly names: BusNames;
  private readonly conn: AmqpConnection;
  private readonly publisher: AmqpPublisher;
  private readonly replies: AmqpReplies;
  private readonly queueType: QueueType;
  private readonly opts: Required<BusOptions> & { connectTimeoutMs: number };
  private readonly pending = new PendingCalls();
  private readonly handlers = new Inflight();
  private readonly served = new Map<string, { registry: RpcRegistry; consumer: AmqpConsumer; ready: Promise<void> }>();
  private readonly subscriptions = new Set<AmqpConsumer>();
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | undefined;

  constructor(opts: AmqpBusOptions) {
    this.prefix = opts.prefix;
    this.names = busNames(opts.prefix);
    this.queueType = opts.queueType ?? 'classic';
    this.opts = {
      prefix: opts.prefix,
      maxAttempts: opts.maxAttempts ?? DEFAULTS.maxAttempts,
      defaultCallTimeoutMs: opts.defaultCallTimeoutMs ?? DEFAULTS.callTimeoutMs,
      publishTimeoutMs: opts.publishTimeoutMs ?? DEFAULTS.publishTimeoutMs,
      connectTimeoutMs: opts.connectTimeoutMs ?? 30_000,
    };
    this.conn = new AmqpConnection(opts);
    this.publisher = new AmqpPublisher(this.conn.manager, this.queueType, this.conn.onChannelError);
    // Declared up front so a dead letter or a notification never targets a missing queue or exchange.
    void this.publisher.ensureExchange(this.names.notifications, 'topic');
    void this.publisher.ensureQueue(this.names.dlq, 'work');
    this.replies = new AmqpReplies(this.names.replyQueue(newId()), {
      manager: this.conn.manager,
      publisher: this.publisher,
      pending: this.pending,
      queueType: this.queueType,
      connectTimeoutMs: this.opts.connectTimeoutMs,
      onChannelError: this.conn.onChannelError,
    });
  }

  /** False while the broker is unreachable; publishes are then buffered until the reconnect. */
  get connected(): boolean {
    return this.conn.connected;
  }

  get stats(): { connects: number; disconnects: number } {
    return { ...this.conn.stats };
  }

  /** Names this bus declared that outlive it (durable queues, exchanges), for operators and test cleanup. */
  topology(): { queues: string[]; exchanges: string[] } {
    return this.publisher.topology();
  }

  async cast<C extends CastContract>(contract: C, opts: SendOptions<C>): Promise<void> {
    this.assertCanPublish();
    assertHost(opts.host);
    const { envelope, body } = buildOutbound(contract, opts.args, opts.ctx);
    const props = { ...messageProps(envelope.id, envelope.method), persistent: true };
    // Declared by the sender too, so a cast to an agent that is restarting waits for it instead of vanishing.
    const target = this.queueTarget(this.names.queue(contract.topic, opts.host));
    await this.publisher.publish(target, body, props, this.opts.publishTimeoutMs, `cast ${rpcName(contract)}`);
  }

  async call<C extends CallContract>(contract: C, opts: CallOptions<C>): Promise<RpcResult<C>> {
    this.assertCanPublish();
    assertHost(opts.host);
    const { envelope, body } = buildOutbound(contract, opts.args, opts.ctx);
    const timeoutMs = opts.timeoutMs ?? this.opts.defaultCallTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const timeout = () => callTimeoutError(contract, timeoutMs, opts.host);
    await withTimeout(this.replies.ready(), timeoutMs, 'reply queue').catch((err: unknown) => {
      throw err instanceof TimeoutError ? timeout() : err;
    });
    const correlationId = newId();
    const reply = this.pending.wait(correlationId, Math.max(1, deadline - Date.now()), timeout);
    // Transient: the caller gives up after timeoutMs anyway, and the expiration keeps a server from starting work
    // nobody waits for any more.
    const props: Options.Publish = {
      ...messageProps(envelope.id, envelope.method),
      persistent: false,
      correlationId,
      replyTo: this.replies.queue,
      expiration: String(timeoutMs),
    };
    const target = this.queueTarget(this.names.queue(contract.topic, opts.host));
    this.publisher
      .publish(target, body, props, Math.max(1, deadline - Date.now()), `call ${rpcName(contract)}`)
      .catch((err: unknown) => this.pending.fail(correlationId, err instanceof Error ? err : new Error(String(err))));
    return unwrapReply(contract, await reply);
  }

  async fanout<C extends CastContract>(contract: C, opts: FanoutOptions<C>): Promise<void> {
    this.assertCanPublish();
    const { envelope, body } = buildOutbound(contract, opts.args, opts.ctx);
    const exchange = this.names.fanout(contract.topic);
    const target = { exchange, routingKey: '', before: () => this.publisher.ensureExchange(exchange, 'fanout') };
    const props = { ...messageProps(envelope.id, envelope.method), persistent: true };
    await this.publisher.publish(target, body, props, this.opts.publishTimeoutMs, `fanout ${rpcName(contract)}`);
  }

  async notify(event: BusEvent): Promise<void> {
    this.assertCanPublish();
    const { routingKey, body } = buildNotification(event);
    const target = { exchange: this.names.notifications, routingKey };
    const props = { ...messageProps(newId(), event.event), persistent: true };
    await this.publisher.publish(target, body, props, this.opts.publishTimeoutMs, `notify ${routingKey}`);
  }

  async serve<C extends RpcContract>(contract: C, handler: RpcHandler<C>, opts: ServeOptions = {}): Promise<void> {
    this.assertOpen();
    assertHost(opts.host);
    const queue = this.names.queue(contract.topic, opts.host);
    const untyped = handler as unknown as (args: unknown, ctx: unknown) => unknown;
    const existing = this.served.get(queue);
    if (existing) {
      existing.registry.register(contract, untyped);
      return existing.ready;
    }
    const registry = new RpcRegistry(queue, this.opts.maxAttempts);
    registry.register(contract, untyped);
    const fanout = opts.host ? this.names.fanout(contract.topic) : undefined;
    this.publisher.remember('queues', queue);
    if (fanout) this.publisher.remember('exchanges', fanout);
    const consumer = this.consumer(
      queue,
      opts.prefetch,
      (m) => registry.process(m),
      async (ch) => {
        await declareQueue(ch, queue, 'work', this.queueType);
        if (fanout) {
          await declareExchange(ch, fanout, 'fanout');
          await ch.bindQueue(queue, fanout, '');
        }
      },
    );
    const ready = consumer.start(this.opts.connectTimeoutMs);
    this.served.set(queue, { registry, consumer, ready });
    await ready.catch((err: unknown) => {
      this.served.delete(queue);
      throw err;
    });
  }

  async subscribe(pattern: string, handler: NotificationHandler, opts: SubscribeOptions = {}): Promise<Subscription> {
    this.assertOpen();
    const { group } = opts;
    if (group !== undefined && !GROUP_RE.test(group)) throw new AppError('BadRequest', `Invalid group: ${group}`);
    const kind: QueueKind = group === undefined ? 'live' : 'work';
    const queue = group === undefined ? this.names.liveQueue(newId()) : this.names.groupQueue(group);
    if (kind === 'work') this.publisher.remember('queues', queue);
    const { notifications } = this.names;
    const options = { queue, durable: kind === 'work', maxAttempts: this.opts.maxAttempts };
    const decide: Decide = (m) => processNotification(handler, m, options);
    const consumer = this.consumer(queue, opts.prefetch, decide, async (ch) => {
      await declareQueue(ch, queue, kind, this.queueType);
      await declareExchange(ch, notifications, 'topic');
      await ch.bindQueue(queue, notifications, pattern);
    });
    await consumer.start(this.opts.connectTimeoutMs);
    this.subscriptions.add(consumer);
    return {
      unsubscribe: async () => {
        this.subscriptions.delete(consumer);
        await consumer.cancel(5_000);
        await consumer.close(5_000);
      },
    };
  }

  close(opts: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(opts.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs);
    return this.closing;
  }

  private async shutdown(drainTimeoutMs: number): Promise<void> {
    this.state = 'closing';
    const deadline = Date.now() + drainTimeoutMs;
    const consumers = [...[...this.served.values()].map((s) => s.consumer), ...this.subscriptions];
    await Promise.all(consumers.map((c) => c.cancel(5_000)));
    // Acks need the consumer channels and retries need the publisher, so both stay open until handlers are done.
    const drained = await this.handlers.drain(drainTimeoutMs);
    if (!drained) log.warn({ prefix: this.prefix }, 'close: handlers still running; the broker will redeliver');
    await this.publisher.drain(Math.max(0, deadline - Date.now()));
    this.state = 'closed';
    this.conn.markClosing();
    this.pending.failAll(new AppError('Unavailable', 'RPC bus closed'));
    await Promise.all([...consumers.map((c) => c.close(5_000)), this.replies.close()]);
    await this.publisher.close(5_000);
    await this.conn.close(5_000);
  }

  private queueTarget(queue: string): PublishTarget {
    return { exchange: '', routingKey: queue, before: () => this.publisher.ensureQueue(queue, 'work') };
  }

  private consumer(
    queue: string,
    prefetch: number | undefined,
    decide: Decide,
    declare: (ch: Channel) => Promise<void>,
  ) {
    return new AmqpConsumer(this.conn.manager, {
      name: queue,
      queue,
      prefetch: prefetch ?? DEFAULTS.prefetch,
      declare,
      onMessage: (msg, settle) => this.deliver(queue, msg, settle, decide),
      onChannelError: this.conn.onChannelError,
    });
  }

  private deliver(queue: string, raw: ConsumeMessage, settle: Settle, decide: Decide): void {
    const msg = toInbound(raw);
    const fx = amqpEffects(raw, settle, {
      queue,
      dlq: this.names.dlq,
      publisher: this.publisher,
      publishTimeoutMs: this.opts.publishTimeoutMs,
      ensureQueue: () => this.publisher.ensureQueue(queue, 'work'),
    });
    void this.handlers.track(decide(msg).then((outcome) => applyOutcome(msg, outcome, fx)));
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new AppError('Unavailable', 'RPC bus is closing');
  }

  /** Handlers still draining may publish follow-up work; only a fully closed bus refuses. */
  private assertCanPublish(): void {
    if (this.state === 'closed') throw new AppError('Unavailable', 'RPC bus closed');
  }
}
