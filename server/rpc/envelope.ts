import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, ERROR_CODES, isAppError, type AppErrorCode } from '../lib/errors';

/**
 * The wire format, versioned by `v` so a future format can be told apart from a corrupt message. Both transports
 * carry these as JSON strings, so the in-process bus catches non-serialisable args exactly like RabbitMQ would.
 */
export const ZRpcContext = z.object({
  requestId: z.string().min(1),
  userId: z.string().optional(),
  projectId: z.string().optional(),
  roles: z.array(z.string()).optional(),
  isAdmin: z.boolean().optional(),
});
export type TRpcContext = z.infer<typeof ZRpcContext>;

export const ZRpcEnvelope = z.object({
  v: z.literal(1),
  /** Unique per message; redeliveries and retries keep it, so handlers can deduplicate on it. */
  id: z.string().min(1),
  requestId: z.string().min(1),
  method: z.string().min(1),
  version: z.string().min(1),
  ctx: ZRpcContext,
  args: z.unknown(),
  sentAt: z.string().datetime(),
});
export type TRpcEnvelope = z.infer<typeof ZRpcEnvelope>;

export const ZRpcError = z.object({
  code: z.string(),
  message: z.string(),
  name: z.string(),
  details: z.record(z.unknown()).optional(),
});
export type TRpcError = z.infer<typeof ZRpcError>;

export const ZRpcReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: ZRpcError }),
]);
export type TRpcReply = z.infer<typeof ZRpcReply>;

// Dots separate routing-key words, so they cannot appear inside the resource or project segment.
const ZKeyWord = z.string().regex(/^[^.*#\s]+$/, 'must be one routing-key word (no ".", "*", "#" or spaces)');

export const ZBusEvent = z.object({
  resource: ZKeyWord,
  projectId: ZKeyWord,
  event: z.string().regex(/^[^*#\s]+$/, 'must not contain "*", "#" or spaces'),
  payload: z.unknown(),
});
export type TBusEvent = z.infer<typeof ZBusEvent>;

export const ZNotification = ZBusEvent.extend({
  v: z.literal(1),
  id: z.string().min(1),
  sentAt: z.string().datetime(),
});
export type TNotification = z.infer<typeof ZNotification>;

export const newRequestId = (): string => `req-${randomUUID()}`;

export function buildContext(partial: Partial<TRpcContext> | undefined): TRpcContext {
  return ZRpcContext.parse({ ...partial, requestId: partial?.requestId ?? newRequestId() });
}

export function parseJson(content: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(content) as unknown };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** A handler's exception, flattened so the caller can re-raise it with the same code and message. */
export function errorToWire(e: unknown): TRpcError {
  if (isAppError(e)) {
    return { code: e.code, message: e.message, name: e.name, ...(e.details ? { details: e.details } : {}) };
  }
  if (e instanceof Error) return { code: 'Internal', message: e.message, name: e.name };
  return { code: 'Internal', message: String(e), name: 'Error' };
}

const isKnownCode = (code: string): code is AppErrorCode => Object.hasOwn(ERROR_CODES, code);

export function errorFromWire(err: TRpcError, method: string): AppError {
  // Unknown codes (a newer server) still surface as an error the adapters know how to map.
  const code = isKnownCode(err.code) ? err.code : 'Internal';
  return new AppError(code, err.message, {
    ...err.details,
    remote: true,
    remoteName: err.name,
    remoteCode: err.code,
    method,
  });
}

export const zodIssues = (e: z.ZodError): string =>
  e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
