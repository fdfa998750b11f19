import type { z, ZodTypeAny } from 'zod';

/**
 * One contract per RPC method, shared by caller and handler, so both sides validate against the same schema and the
 * version travels with every message (oslo.messaging's "target version" rule, see isVersionCompatible).
 */
export type RpcKind = 'cast' | 'call';

interface ContractBase<A extends ZodTypeAny> {
  /** Queue family, e.g. `compute`; the host (if any) is given per message, not here. */
  readonly topic: string;
  readonly method: string;
  /** `major.minor`: a minor bump only adds optional fields, a major bump breaks callers. */
  readonly version: string;
  readonly args: A;
}

export interface CastContract<A extends ZodTypeAny = ZodTypeAny> extends ContractBase<A> {
  readonly kind: 'cast';
}

export interface CallContract<
  A extends ZodTypeAny = ZodTypeAny,
  R extends ZodTypeAny = ZodTypeAny,
> extends ContractBase<A> {
  readonly kind: 'call';
  readonly result: R;
}

export type RpcContract = CastContract | CallContract;

/** What the handler receives: args after parsing (defaults applied). */
export type RpcArgs<C extends RpcContract> = z.output<C['args']>;
/** What the caller passes: args before parsing, so optional-with-default fields may be omitted. */
export type RpcArgsInput<C extends RpcContract> = z.input<C['args']>;
/** What the caller of `call` receives, after the result schema parsed the reply. */
export type RpcResult<C extends CallContract> = z.output<C['result']>;
/** What a call handler returns before the caller parses it. */
export type RpcResultInput<C extends CallContract> = z.input<C['result']>;

// Topics become queue-name segments and method names appear in routing and logs: keep both boring.
const TOPIC_RE = /^[a-z][a-z0-9_-]*$/;
const METHOD_RE = /^[a-z][a-z0-9_]*$/;
const VERSION_RE = /^(\d+)\.(\d+)$/;

interface CastDefinition<A extends ZodTypeAny> {
  topic: string;
  method: string;
  version: string;
  kind: 'cast';
  args: A;
}

interface CallDefinition<A extends ZodTypeAny, R extends ZodTypeAny> {
  topic: string;
  method: string;
  version: string;
  kind: 'call';
  args: A;
  result: R;
}

export function defineRpc<A extends ZodTypeAny>(def: CastDefinition<A>): CastContract<A>;
export function defineRpc<A extends ZodTypeAny, R extends ZodTypeAny>(def: CallDefinition<A, R>): CallContract<A, R>;
export function defineRpc(def: CastDefinition<ZodTypeAny> | CallDefinition<ZodTypeAny, ZodTypeAny>): RpcContract {
  // A malformed contract is a programming error: fail at import time, not on the first message.
  if (!TOPIC_RE.test(def.topic)) throw new Error(`RPC topic must match ${TOPIC_RE}: ${def.topic}`);
  if (!METHOD_RE.test(def.method)) throw new Error(`RPC method must match ${METHOD_RE}: ${def.method}`);
  if (!VERSION_RE.test(def.version)) throw new Error(`RPC version must be "major.minor": ${def.version}`);
  return Object.freeze({ ...def });
}

export const rpcName = (c: Pick<RpcContract, 'topic' | 'method' | 'version'>): string =>
  `${c.topic}.${c.method} v${c.version}`;

/**
 * A handler at `served` can take a message sent for `sent` when the majors match and the handler is at least as new:
 * during a rolling upgrade, new servers accept old callers, and a new caller fails loudly on an old server.
 */
export function isVersionCompatible(sent: string, served: string): boolean {
  const s = VERSION_RE.exec(sent);
  const h = VERSION_RE.exec(served);
  if (!s || !h) return false;
  return s[1] === h[1] && Number(s[2]) <= Number(h[2]);
}
