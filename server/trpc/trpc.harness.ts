import { CSRF_HEADER } from '../lib/session-cookie';

/** Response bodies are whatever the server sent; tests assert on their fields directly. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export type TrpcReply = {
  status: number;
  /** The `result.data` of a success. */
  data: Json;
  /** The error of a failure: `{ message, code, data: { code, httpStatus, appCode, validation } }`. */
  error: Json;
  setCookie: string[];
};

type CallOpts = { cookie?: string; csrf?: boolean; headers?: Record<string, string> };

/**
 * tRPC over plain fetch, as a browser would speak it (no batching, no transformer): tests see the raw status, the
 * Set-Cookie headers and the error shape. Mutations carry the CSRF header unless `csrf: false`.
 */
export function trpcHttp(baseUrl: string) {
  async function send(method: 'GET' | 'POST', path: string, input: unknown, opts: CallOpts): Promise<TrpcReply> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.cookie) headers.cookie = opts.cookie;
    let url = `${baseUrl}/api/trpc/${path}`;
    let body: string | undefined;
    if (method === 'GET') {
      if (input !== undefined) url += `?input=${encodeURIComponent(JSON.stringify(input))}`;
    } else {
      if (opts.csrf !== false) headers[CSRF_HEADER] = '1';
      headers['content-type'] = 'application/json';
      body = JSON.stringify(input ?? null);
    }
    const res = await fetch(url, { method, headers, body });
    const json = (await res.json()) as Json;
    return { status: res.status, data: json.result?.data, error: json.error, setCookie: res.headers.getSetCookie() };
  }

  const query = (path: string, input?: unknown, opts: CallOpts = {}) => send('GET', path, input, opts);
  const mutate = (path: string, input?: unknown, opts: CallOpts = {}) => send('POST', path, input, opts);

  /** Signs in and returns the `cookie` header value to send back; throws when sign-in fails. */
  async function login(
    name: string,
    password: string,
    extra: { project?: string } = {},
  ): Promise<{ cookie: string; token: string; reply: TrpcReply }> {
    const reply = await mutate('session.login', { name, password, ...extra });
    const set = reply.setCookie.find((c) => c.startsWith('cumulo_session='));
    if (reply.status !== 200 || !set) throw new Error(`login failed: ${reply.status} ${JSON.stringify(reply.error)}`);
    const pair = set.split(';')[0]!;
    return { cookie: pair, token: decodeURIComponent(pair.slice(pair.indexOf('=') + 1)), reply };
  }

  return { query, mutate, login };
}
