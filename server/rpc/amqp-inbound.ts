import type { ConsumeMessage, Options } from 'amqplib';
import { newId } from '../lib/ids';
import type { Settle } from './amqp-consumer';
import type { AmqpPublisher } from './amqp-publisher';
import type { InboundMessage, OutcomeEffects } from './dispatch';
import { HEADERS } from './topology';

/** Translation between amqplib deliveries and the transport-neutral dispatch step. */
export const JSON_TYPE = 'application/json';

// amqplib types message properties as `any`; narrow them before they reach typed code.
const asString = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export const messageProps = (messageId: string, type: string): Options.Publish => ({
  contentType: JSON_TYPE,
  messageId,
  type,
  timestamp: Math.floor(Date.now() / 1000),
});

export function toInbound(raw: ConsumeMessage): InboundMessage {
  const replyTo = asString(raw.properties.replyTo);
  const correlationId = asString(raw.properties.correlationId);
  return {
    content: raw.content.toString('utf8'),
    attempt: Number(raw.properties.headers?.[HEADERS.attempt] ?? 0) || 0,
    ...(replyTo ? { replyTo } : {}),
    ...(correlationId ? { correlationId } : {}),
  };
}

export interface EffectDeps {
  queue: string;
  dlq: string;
  publisher: AmqpPublisher;
  publishTimeoutMs: number;
  /** The origin queue is re-declared before a retry lands in it (it may have been deleted meanwhile). */
  ensureQueue(): Promise<void>;
}

/** Retries and dead letters are new publishes of the same body; the original is acked only after their confirm. */
export function amqpEffects(raw: ConsumeMessage, settle: Settle, deps: EffectDeps): OutcomeEffects {
  const { queue, dlq, publisher, publishTimeoutMs: ms } = deps;
  const headers = raw.properties.headers ?? {};
  const content = raw.content.toString('utf8');
  const keep = {
    ...messageProps(asString(raw.properties.messageId) ?? newId(), asString(raw.properties.type) ?? 'unknown'),
    persistent: true,
  };
  return {
    reply: (to, correlationId, body) =>
      publisher.publish({ exchange: '', routingKey: to }, body, { contentType: JSON_TYPE, correlationId }, ms, 'reply'),
    republish: (attempt) => {
      const target = { exchange: '', routingKey: queue, before: deps.ensureQueue };
      const h = { ...headers, [HEADERS.attempt]: attempt };
      return publisher.publish(target, content, { ...keep, headers: h }, ms, `retry on ${queue}`);
    },
    deadLetter: (reason, error) => {
      const h = { ...headers, [HEADERS.deadReason]: reason, [HEADERS.deadError]: error, [HEADERS.origin]: queue };
      return publisher.publish({ exchange: '', routingKey: dlq }, content, { ...keep, headers: h }, ms, 'dead-letter');
    },
    ack: settle.ack,
    requeue: settle.requeue,
  };
}
