import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { identityClient, type Reply } from '../../../../tests/helpers/identity-client';
import { startTestStack, type TestStack } from '../../../../tests/helpers/stack';

/** Response bodies are whatever the server sent; tests assert on their fields directly. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
type CallOpts = { token?: string; body?: unknown; data?: BodyInit; headers?: Record<string, string> };

export const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
export const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

/** A qcow2 header (magic, version 3, the virtual size at bytes 24-31) followed by `padding` bytes of noise. */
export function qcow2Bytes(virtualSize: bigint, padding = 4096): Buffer {
  const b = Buffer.alloc(512 + padding);
  b.write('QFI\xfb', 0, 'latin1');
  b.writeUInt32BE(3, 4);
  b.writeBigUInt64BE(virtualSize, 24);
  for (let i = 512; i < b.length; i++) b[i] = (i * 7919) & 0xff;
  return b;
}

/**
 * A test stack and a small Glance v2 client over fetch: raw calls returning status, headers and body, plus the setup
 * steps image tests repeat (create, upload), which throw on anything unexpected so a test asserts only on its subject.
 */
export async function imageHarness(env: Record<string, string> = {}, opts: { join?: TestStack } = {}) {
  const stack = await startTestStack(env, opts);
  const ks = identityClient(stack);
  const base = `${stack.url}/image/v2`;

  async function call<T = Json>(method: string, p: string, opts: CallOpts = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers['X-Auth-Token'] = opts.token;
    let body: BodyInit | undefined = opts.data;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] ??=
        method === 'PATCH' ? 'application/openstack-images-v2.1-json-patch' : 'application/json';
    }
    const res = await fetch(`${base}${p}`, {
      method,
      headers,
      body,
      ...(body instanceof ReadableStream && { duplex: 'half' }),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  async function expectCall<T = Json>(status: number, method: string, p: string, opts: CallOpts = {}) {
    const r = await call<T>(method, p, opts);
    if (r.status !== status) throw new Error(`${method} ${p}: expected ${status}, got ${r.status}: ${r.text}`);
    return r;
  }

  const create = async (token: string, body: Record<string, unknown> = {}) =>
    (
      await expectCall(201, 'POST', '/images', {
        token,
        body: { disk_format: 'raw', container_format: 'bare', ...body },
      })
    ).body;

  const upload = (
    token: string,
    id: string,
    data: Buffer | ReadableStream<Uint8Array>,
    headers: Record<string, string> = {},
  ) =>
    call('PUT', `/images/${id}/file`, {
      token,
      data: data as BodyInit,
      headers: { 'Content-Type': 'application/octet-stream', ...headers },
    });

  async function download(token: string, id: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}/images/${id}/file`, { headers: { 'X-Auth-Token': token, ...headers } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  /** Every file in the store directory, temporary ones included. */
  const storeFiles = () => {
    const dir = path.join(stack.stateDir, 'images');
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  };

  return { stack, ks, base, call, expectCall, create, upload, download, storeFiles };
}

export type ImageHarness = Awaited<ReturnType<typeof imageHarness>>;
