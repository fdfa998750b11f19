import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import type { CallContract, CastContract, RpcContract, RpcResult } from './contract';
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
import { applyOutcome, processNotification, RpcRegistry, type InboundMessage, type Outcome } from './dispatch';
import { Inflight } from './inflight';
import {
  MemoryBroker,
  sharedMemoryBroker,
  type MemConsumerHandle,
  type MemMessage,
  type Settle,
} from './memory-broker';
import { assertHost, buildNotification, buildOutbound, callTimeoutError, unwrapReply } from './outbound';
import { PendingCalls } from './pending-calls';
import { busNames, GROUP_RE, HEADERS, type BusNames } from './topology';

export interface MemoryBusOptions extends BusOptions {
  /** Buses sharing a broker reach each other; defaults to the process-wide one. */
  broker?: MemoryBroker;
}

/** The bus without RabbitMQ, for the all-in-one stack and fast tests; same semantics as AmqpBus within one process. */
export class MemoryBus implements Bus {
  readonly prefix: string;
  readonly broker: MemoryBroker;
  readonly names: BusNames;
  private readonly opts: Required<BusOptions>;
  private readonly replyTo = `memory-reply.${newId()}`;
  private readonly pending = new PendingCalls();
  private readonly inflight = new Inflight();
  private readonly consumers = new Map<string, { registry: RpcRegistry; handle: MemConsumerHandle }>();
  private readonly subscriptions = new Set<MemConsumerHandle>();
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | undefined;

  constructor(opts: MemoryBusOptions) {
    this.prefix = opts.prefix;
    this.broker = opts.broker ?? sharedMemoryBroker();
    this.names = busNames(opts.prefix);
    this.opts = {
      prefix: opts.prefix,
      maxAttempts: opts.maxAttempts ?? DEFAULTS.maxAttempts,
      defaultCallTimeoutMs: opts.defaultCallTimeoutMs ?? DEFAULTS.callTimeoutMs,
      publishTimeoutMs: opts.publishTimeoutMs ?? DEFAULTS.publishTimeoutMs,
    };
    this.broker.setReplyTarget(this.replyTo, (id, content) => this.pending.settle(id, content));
    this.broker.assertQueue(this.names.dlq);
  }

  async cast<C extends CastContract>(contract: C, opts: SendOptions<C>): Promise<void> {
    this.assertCanPublish();
    assertHost(opts.host);
    const { body } = buildOutbound(contract, opts.args, opts.ctx);
    const queue = this.names.queue(contract.topic, opts.host);
    // Declared by the sender too, so a cast to an agent that is restarting waits for it instead of vanishing.
    this.broker.assertQueue(queue);
    this.broker.sendToQueue(queue, { content: body, headers: {} });
  }

  async call<C extends CallContract>(contract: C, opts: CallOptions<C>): Promise<RpcResult<C>> {
    this.assertCanPublish();
    assertHost(opts.host);
    const { body } = buildOutbound(contract, opts.args, opts.ctx);
    const timeoutMs = opts.timeoutMs ?? this.opts.defaultCallTimeoutMs;
    const queue = this.names.queue(contract.topic, opts.host);
    const correlationId = newId();
    const reply = this.pending.wait(correlationId, timeoutMs, () => callTimeoutError(contract, timeoutMs, opts.host));
    this.broker.assertQueue(queue);
    this.broker.sendToQueue(queue, {
      content: body,
      headers: {},
      replyTo: this.replyTo,
      correlationId,
      expiresAt: Date.now() + timeoutMs,
    });
    return unwrapReply(contract, await reply);
  }

  async fanout<C extends CastContract>(contract: C, opts: FanoutOptions<C>): Promise<void> {
    this.assertCanPublish();
    const { body } = buildOutbound(contract, opts.args, opts.ctx);
    this.broker.publishFanout(this.names.fanout(contract.topic), { content: body, headers: {} });
  }

  async notify(event: BusEvent): Promise<void> {
    this.assertCanPublish();
    const { routingKey, body } = buildNotification(event);
    this.broker.publishTopic(this.names.notifications, routingKey, { content: body, headers: {} });
  }

  async serve<C extends RpcContract>(contract: C, handler: RpcHandler<C>, opts: ServeOptions = {}): Promise<void> {
    this.assertOpen();
    assertHost(opts.host);
    const queue = this.names.queue(contract.topic, opts.host);
    const untyped = handler as (args: unknown, ctx: unknown) => unknown;
    const existing = this.consumers.get(queue);
    if (existing) return existing.registry.register(contract, untyped);
    const registry = new RpcRegistry(queue, this.opts.maxAttempts);
    registry.register(contract, untyped);
    this.broker.assertQueue(queue);
    if (opts.host) this.broker.bindFanout(this.names.fanout(contract.topic), queue);
    const handle = this.broker.consume(queue, opts.prefetch ?? DEFAULTS.prefetch, (m, settle) =>
      this.deliver(queue, m, settle, (msg) => registry.process(msg)),
    );
    this.consumers.set(queue, { registry, handle });
  }

  async subscribe(pattern: string, handler: NotificationHandler, opts: SubscribeOptions = {}): Promise<Subscription> {
    this.assertOpen();
    if (opts.group !== undefined && !GROUP_RE.test(opts.group))
      throw new AppError('BadRequest', `Invalid group: ${opts.group}`);
    const durable = opts.group !== undefined;
    const queue = durable ? this.names.groupQueue(opts.group ?? '') : this.names.liveQueue(newId());
    this.broker.assertQueue(queue, { autoDelete: !durable });
    this.broker.bindTopic(this.names.notifications, pattern, queue);
    const options = { queue, durable, maxAttempts: this.opts.maxAttempts };
    const handle = this.broker.consume(queue, opts.prefetch ?? DEFAULTS.prefetch, (m, settle) =>
      this.deliver(queue, m, settle, (msg) => processNotification(handler, msg, options)),
    );
    this.subscriptions.add(handle);
    return {
      unsubscribe: async () => {
        this.subscriptions.delete(handle);
        handle.cancel();
        handle.close();
      },
    };
  }

  close(opts: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(opts.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs);
    return this.closing;
  }

  private async shutdown(drainTimeoutMs: number): Promise<void> {
    this.state = 'closing';
    const handles = [...[...this.consumers.values()].map((c) => c.handle), ...this.subscriptions];
    for (const h of handles) h.cancel();
    await this.inflight.drain(drainTimeoutMs);
    // Whatever did not finish in time goes back to the queue for another worker, as with a closed AMQP channel.
    for (const h of handles) h.close();
    this.state = 'closed';
    this.pending.failAll(new AppError('Unavailable', 'RPC bus closed'));
    this.broker.removeReplyTarget(this.replyTo);
  }

  private deliver(
    queue: string,
    m: MemMessage,
    settle: Settle,
    decide: (msg: InboundMessage) => Promise<Outcome>,
  ): void {
    const msg: InboundMessage = {
      content: m.content,
      attempt: Number(m.headers[HEADERS.attempt] ?? 0),
      ...(m.replyTo ? { replyTo: m.replyTo } : {}),
      ...(m.correlationId ? { correlationId: m.correlationId } : {}),
    };
    const work = decide(msg).then((outcome) =>
      applyOutcome(msg, outcome, {
        reply: async (replyTo, correlationId, body) => this.broker.reply(replyTo, correlationId, body),
        republish: async (attempt) =>
          this.broker.sendToQueue(queue, { content: m.content, headers: { ...m.headers, [HEADERS.attempt]: attempt } }),
        deadLetter: async (reason, error) =>
          this.broker.sendToQueue(this.names.dlq, {
            content: m.content,
            headers: {
              ...m.headers,
              [HEADERS.deadReason]: reason,
              [HEADERS.deadError]: error,
              [HEADERS.origin]: queue,
            },
          }),
        ack: () => settle.ack(),
        requeue: () => settle.requeue(),
      }),
    );
    void this.inflight.track(work);
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new AppError('Unavailable', 'RPC bus is closing');
  }

  /** Handlers still draining may publish follow-up work; only a fully closed bus refuses. */
  private assertCanPublish(): void {
    if (this.state === 'closed') throw new AppError('Unavailable', 'RPC bus closed');
  }
}
