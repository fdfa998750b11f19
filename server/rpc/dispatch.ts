import { AppError } from '../lib/errors';
import { logger } from '../lib/logger';
import { isVersionCompatible, rpcName, type RpcContract } from './contract';
import type { NotificationHandler, RpcContext } from './bus';
import { errorToWire, parseJson, ZNotification, ZRpcEnvelope, zodIssues, type TRpcReply } from './envelope';
import type { DeadReason } from './topology';

/**
 * What happens to a delivered message, decided once for both transports. The transport then carries the outcome
 * out in this order: reply / republish / dead-letter first, ack last, so a crash in between redelivers instead of
 * losing work.
 */
export interface InboundMessage {
  content: string;
  /** Failed deliveries so far (from the attempt header). */
  attempt: number;
  replyTo?: string;
  correlationId?: string;
}

export type Outcome =
  | { action: 'ack'; reply?: TRpcReply }
  | { action: 'retry'; attempt: number; error: string }
  | { action: 'dead'; reason: DeadReason; error: string; reply?: TRpcReply };

export interface OutcomeEffects {
  reply(replyTo: string, correlationId: string, body: string): Promise<void>;
  /** Same content back to the origin queue with the attempt header set. */
  republish(attempt: number): Promise<void>;
  deadLetter(reason: DeadReason, error: string): Promise<void>;
  ack(): void;
  /** Give the message back to the broker: our own publish failed, so redelivery is the safe path. */
  requeue(): void;
}

const log = logger.child({ c: 'bus' });

type AnyHandler = (args: unknown, ctx: RpcContext) => unknown;

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** The methods served from one queue: a topic's queue carries all of its methods, so dispatch is by method name. */
export class RpcRegistry {
  private readonly handlers = new Map<string, { contract: RpcContract; handler: AnyHandler }>();

  constructor(
    readonly queue: string,
    private readonly maxAttempts: number,
  ) {}

  register(contract: RpcContract, handler: AnyHandler): void {
    if (this.handlers.has(contract.method)) throw new Error(`${rpcName(contract)} is already served on ${this.queue}`);
    this.handlers.set(contract.method, { contract, handler });
  }

  async process(msg: InboundMessage): Promise<Outcome> {
    const isCall = Boolean(msg.replyTo && msg.correlationId);
    const json = parseJson(msg.content);
    const env = json.ok ? ZRpcEnvelope.safeParse(json.value) : undefined;
    if (!env?.success) {
      const error = json.ok ? `bad envelope: ${env ? zodIssues(env.error) : ''}` : `not JSON: ${json.error}`;
      return this.reject(isCall, 'malformed', error, { queue: this.queue });
    }
    const { id, method, version, ctx, args, requestId } = env.data;
    const meta = { queue: this.queue, method, version, messageId: id, requestId };
    const entry = this.handlers.get(method);
    if (!entry) {
      const error = `no handler for ${method} on ${this.queue}`;
      if (isCall) return { action: 'ack', reply: failure(new AppError('NotFound', error)) };
      // Casts get the normal retries: a worker that is still registering its methods should not lose them.
      return this.failed(msg, error, meta, 'no-handler');
    }
    if (!isVersionCompatible(version, entry.contract.version)) {
      const error = `${method} v${version} cannot be handled by v${entry.contract.version}`;
      return this.reject(isCall, 'version', error, meta);
    }
    const parsed = entry.contract.args.safeParse(args);
    if (!parsed.success) {
      return this.reject(isCall, 'invalid-args', `invalid args for ${method}: ${zodIssues(parsed.error)}`, meta);
    }
    try {
      const result: unknown = await entry.handler(parsed.data, ctx);
      return { action: 'ack', ...(isCall ? { reply: { ok: true, result } } : {}) };
    } catch (e) {
      // The caller of a call is waiting for this answer; retrying behind its back could double the side effect.
      if (isCall) {
        log.info({ ...meta, err: errorText(e) }, 'rpc call handler failed, replying with the error');
        return { action: 'ack', reply: failure(e) };
      }
      return this.failed(msg, errorText(e), meta);
    }
  }

  private failed(
    msg: InboundMessage,
    error: string,
    meta: Record<string, unknown>,
    reason: DeadReason = 'failed',
  ): Outcome {
    const attempt = msg.attempt + 1;
    if (attempt >= this.maxAttempts) {
      log.error({ ...meta, attempt, err: error }, 'rpc cast failed too often, dead-lettering');
      return { action: 'dead', reason, error };
    }
    log.warn({ ...meta, attempt, err: error }, 'rpc cast failed, will retry');
    return { action: 'retry', attempt, error };
  }

  private reject(isCall: boolean, reason: DeadReason, error: string, meta: Record<string, unknown>): Outcome {
    log.error({ ...meta, reason, err: error }, 'rpc message rejected, dead-lettering');
    return { action: 'dead', reason, error, ...(isCall ? { reply: failure(new AppError('BadRequest', error)) } : {}) };
  }
}

const failure = (e: unknown): TRpcReply => ({ ok: false, error: errorToWire(e) });

/** A result JSON cannot carry (BigInt, cycles) must become an error reply, not an endless requeue. */
function encodeReply(reply: TRpcReply): string {
  try {
    return JSON.stringify(reply);
  } catch (e) {
    return JSON.stringify(failure(new AppError('Internal', `RPC result is not serialisable: ${errorText(e)}`)));
  }
}

/** Grouped subscribers retry like casts; live ones only log, since nobody would look at their dead letters. */
export async function processNotification(
  handler: NotificationHandler,
  msg: InboundMessage,
  opts: { queue: string; durable: boolean; maxAttempts: number },
): Promise<Outcome> {
  const json = parseJson(msg.content);
  const n = json.ok ? ZNotification.safeParse(json.value) : undefined;
  if (!n?.success) {
    log.error({ queue: opts.queue }, 'malformed notification, dead-lettering');
    return { action: 'dead', reason: 'malformed', error: 'malformed notification' };
  }
  try {
    await handler(n.data);
    return { action: 'ack' };
  } catch (e) {
    const meta = { queue: opts.queue, messageId: n.data.id, event: n.data.event, err: errorText(e) };
    if (!opts.durable) {
      log.warn(meta, 'live notification handler failed, dropping');
      return { action: 'ack' };
    }
    const attempt = msg.attempt + 1;
    if (attempt >= opts.maxAttempts) {
      log.error({ ...meta, attempt }, 'notification handler failed too often, dead-lettering');
      return { action: 'dead', reason: 'failed', error: errorText(e) };
    }
    log.warn({ ...meta, attempt }, 'notification handler failed, will retry');
    return { action: 'retry', attempt, error: errorText(e) };
  }
}

export async function applyOutcome(msg: InboundMessage, outcome: Outcome, fx: OutcomeEffects): Promise<void> {
  try {
    const reply = outcome.action === 'retry' ? undefined : outcome.reply;
    if (reply && msg.replyTo && msg.correlationId) {
      await fx.reply(msg.replyTo, msg.correlationId, encodeReply(reply));
    }
    if (outcome.action === 'retry') await fx.republish(outcome.attempt);
    if (outcome.action === 'dead') await fx.deadLetter(outcome.reason, outcome.error);
  } catch (e) {
    log.warn({ err: errorText(e) }, 'could not settle message, leaving it to the broker to redeliver');
    fx.requeue();
    return;
  }
  fx.ack();
}
