import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { rpcName, type CallContract, type RpcContract, type RpcResult } from './contract';
import type { BusEvent, RpcContext } from './bus';
import {
  buildContext,
  errorFromWire,
  parseJson,
  ZBusEvent,
  ZRpcReply,
  zodIssues,
  type TNotification,
  type TRpcEnvelope,
} from './envelope';
import { HOST_RE } from './topology';

/** Caller-side steps both transports share, so validation and error mapping cannot drift between them. */
export interface Outbound {
  envelope: TRpcEnvelope;
  body: string;
}

export function buildOutbound(contract: RpcContract, args: unknown, ctx: Partial<RpcContext> | undefined): Outbound {
  // Validate at the caller too: a bad call fails at its source with a stack trace, not as a dead letter elsewhere.
  // The raw args are sent, so the handler's own schema (possibly a newer minor) applies its defaults.
  const parsed = contract.args.safeParse(args);
  if (!parsed.success) {
    throw new AppError('BadRequest', `Invalid arguments for ${rpcName(contract)}: ${zodIssues(parsed.error)}`);
  }
  const context = buildContext(ctx);
  const envelope: TRpcEnvelope = {
    v: 1,
    id: newId(),
    requestId: context.requestId,
    method: contract.method,
    version: contract.version,
    ctx: context,
    args,
    sentAt: new Date().toISOString(),
  };
  return { envelope, body: JSON.stringify(envelope) };
}

export function assertHost(host: string | undefined): void {
  if (host !== undefined && !HOST_RE.test(host)) throw new AppError('BadRequest', `Invalid RPC host name: ${host}`);
}

export function buildNotification(event: BusEvent): { routingKey: string; body: string } {
  const parsed = ZBusEvent.safeParse(event);
  if (!parsed.success) throw new AppError('BadRequest', `Invalid notification: ${zodIssues(parsed.error)}`);
  const n: TNotification = { v: 1, id: newId(), ...parsed.data, sentAt: new Date().toISOString() };
  return { routingKey: `${n.resource}.${n.projectId}.${n.event}`, body: JSON.stringify(n) };
}

/** Turns a reply body into the contract's result, or re-raises the remote error with its code and message. */
export function unwrapReply<C extends CallContract>(contract: C, content: string): RpcResult<C> {
  const json = parseJson(content);
  const reply = json.ok ? ZRpcReply.safeParse(json.value) : undefined;
  if (!reply?.success) throw new AppError('Internal', `Malformed reply from ${rpcName(contract)}`);
  if (!reply.data.ok) throw errorFromWire(reply.data.error, contract.method);
  const result = contract.result.safeParse(reply.data.result);
  if (!result.success) {
    throw new AppError('Internal', `Invalid result from ${rpcName(contract)}: ${zodIssues(result.error)}`);
  }
  return result.data as RpcResult<C>;
}

export const callTimeoutError = (contract: RpcContract, timeoutMs: number, host?: string): AppError =>
  new AppError('Timeout', `RPC ${rpcName(contract)}${host ? ` to ${host}` : ''} timed out after ${timeoutMs} ms`, {
    method: contract.method,
    topic: contract.topic,
  });
