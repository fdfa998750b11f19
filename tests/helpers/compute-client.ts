import type { Reply } from './identity-client';
import { suffix } from './identity-client';
import type { TestStack } from './stack';

/** Response bodies are whatever the server sent; tests assert on their fields directly. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export type ComputeCallOpts = {
  token?: string;
  body?: unknown;
  /** A raw request body, sent as is (malformed JSON tests). */
  raw?: string;
  /** The microversion to ask for (`'2.55'`, `'latest'`); `null` sends no version header at all. */
  version?: string | null;
  headers?: Record<string, string>;
};

/**
 * A tiny Nova v2.1 client over fetch for tests: raw calls against `<stack>/compute/v2.1` that return status, headers
 * and the parsed body, with the microversion settable per client and per call. `expectCall` fails the test with the
 * server's answer when the status is not the expected one, for setup steps.
 */
export function computeClient(stack: TestStack, defaults: { version?: string | null } = {}) {
  const root = `${stack.url}/compute`;
  const base = `${root}/v2.1`;

  /** `path` is relative to /compute/v2.1 (e.g. `/flavors/detail?minRam=512`); an absolute URL is used as is. */
  async function call<T = Json>(method: string, path: string, opts: ComputeCallOpts = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    if (opts.token) headers['X-Auth-Token'] = opts.token;
    const version = opts.version === undefined ? defaults.version : opts.version;
    if (version) headers['OpenStack-API-Version'] = `compute ${version}`;
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['Content-Type'] ??= 'application/json';
    const res = await fetch(path.startsWith('http') ? path : `${base}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  async function expectCall<T = Json>(status: number, method: string, path: string, opts: ComputeCallOpts = {}) {
    const r = await call<T>(method, path, opts);
    if (r.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${r.status}: ${r.text}`);
    return r;
  }

  /** POST /flavors as `token` (an admin's): a small public flavor with a random name unless told otherwise. */
  async function createFlavor(token: string, flavor: Record<string, unknown> = {}, opts: ComputeCallOpts = {}) {
    const body = { flavor: { name: `f-${suffix()}`, ram: 64, vcpus: 1, disk: 1, ...flavor } };
    return (await expectCall(200, 'POST', '/flavors', { ...opts, token, body })).body.flavor as {
      id: string;
      name: string;
      [k: string]: unknown;
    };
  }

  /** POST /os-keypairs at 2.2+: imports `publicKey`, or generates a pair (then `private_key` is set). */
  async function createKeypair(token: string, name = `k-${suffix()}`, publicKey?: string) {
    const body = { keypair: { name, ...(publicKey !== undefined && { public_key: publicKey }) } };
    return (await expectCall(201, 'POST', '/os-keypairs', { token, body, version: '2.2' })).body.keypair as {
      name: string;
      public_key: string;
      fingerprint: string;
      user_id: string;
      private_key?: string;
      type: string;
    };
  }

  return { root, base, call, expectCall, createFlavor, createKeypair };
}

export type ComputeClient = ReturnType<typeof computeClient>;
