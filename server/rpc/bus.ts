import type {
  CallContract,
  CastContract,
  RpcArgs,
  RpcArgsInput,
  RpcContract,
  RpcResult,
  RpcResultInput,
} from './contract';
import type { TBusEvent, TNotification, TRpcContext } from './envelope';

/**
 * The one interface services and agents use to talk to each other. Two implementations share its semantics and one
 * test suite (bus.contract.ts): AmqpBus over RabbitMQ, MemoryBus in-process for the all-in-one stack.
 *
 * Delivery is at-least-once everywhere: a handler may see the same message id twice and must find the work done.
 */
export type RpcContext = TRpcContext;
export type BusEvent = TBusEvent;
export type Notification = TNotification;

export interface SendOptions<C extends RpcContract> {
  /** Route to `<topic>.<host>` (one agent) instead of the shared `<topic>` queue. */
  host?: string;
  args: RpcArgsInput<C>;
  /** Who asked; `requestId` is generated when absent so logs on every hop can be joined. */
  ctx?: Partial<RpcContext>;
}

export interface CallOptions<C extends CallContract> extends SendOptions<C> {
  /** Default 30 s. The request also expires in the queue after this, so nobody works on an abandoned call. */
  timeoutMs?: number;
}

export interface FanoutOptions<C extends CastContract> {
  args: RpcArgsInput<C>;
  ctx?: Partial<RpcContext>;
}

export interface ServeOptions {
  /** Consume `<topic>.<host>` (and the topic's fanouts) instead of competing on the shared `<topic>` queue. */
  host?: string;
  /** How many messages this consumer handles at once. Default 10. */
  prefetch?: number;
}

export type RpcHandler<C extends RpcContract> = (
  args: RpcArgs<C>,
  ctx: RpcContext,
) => C extends CallContract ? Promise<RpcResultInput<C>> | RpcResultInput<C> : Promise<void> | void;

export type NotificationHandler = (event: Notification) => Promise<void> | void;

export interface SubscribeOptions {
  /**
   * Without a group the subscriber gets a private auto-deleted queue (live relays: what happened while it was away
   * does not matter). With a group, workers of that group share a durable queue and get ack-after-handle, retries
   * and the dead-letter queue, like casts (billing must not miss usage).
   */
  group?: string;
  prefetch?: number;
}

export interface Subscription {
  unsubscribe(): Promise<void>;
}

export interface CloseOptions {
  /** How long to wait for in-flight handlers and unconfirmed publishes. Default 30 s; what is left is redelivered. */
  drainTimeoutMs?: number;
}

export interface Bus {
  readonly prefix: string;
  /** Resolves once the broker confirmed the message (it is then durable); rejects with AppError otherwise. */
  cast<C extends CastContract>(contract: C, opts: SendOptions<C>): Promise<void>;
  /** Request/reply; rejects with the remote AppError (same code and message) or AppError('Timeout'). */
  call<C extends CallContract>(contract: C, opts: CallOptions<C>): Promise<RpcResult<C>>;
  /** Every per-host consumer of the topic gets a copy. */
  fanout<C extends CastContract>(contract: C, opts: FanoutOptions<C>): Promise<void>;
  /** Publishes on the notifications exchange with routing key `<resource>.<projectId>.<event>`. */
  notify(event: BusEvent): Promise<void>;
  /** Resolves once the consumer is active. Serve every method of a topic before traffic arrives. */
  serve<C extends RpcContract>(contract: C, handler: RpcHandler<C>, opts?: ServeOptions): Promise<void>;
  /** `pattern` uses AMQP topic wildcards: `*` one word, `#` zero or more (e.g. `instance.*.*`). */
  subscribe(pattern: string, handler: NotificationHandler, opts?: SubscribeOptions): Promise<Subscription>;
  /** Stops consuming, waits for in-flight handlers and publishes, then disconnects. */
  close(opts?: CloseOptions): Promise<void>;
}

/** Knobs shared by both transports. */
export interface BusOptions {
  prefix: string;
  /** Failed deliveries of a cast (or grouped notification) before it is dead-lettered. Default 3. */
  maxAttempts?: number;
  defaultCallTimeoutMs?: number;
  /** How long a cast/notify may wait for the broker's confirm (including a reconnect). Default 30 s. */
  publishTimeoutMs?: number;
}

export const DEFAULTS = {
  maxAttempts: 3,
  callTimeoutMs: 30_000,
  publishTimeoutMs: 30_000,
  drainTimeoutMs: 30_000,
  prefetch: 10,
} as const;
