import { randomBytes } from 'node:crypto';
import type { ComputeClient } from './compute-client';
import { suffix, waitUntil } from './identity-client';
import type { TestStack } from './stack';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Uploads `bytes` random bytes as an active raw image (public when `token` is an admin's and asked). */
export async function uploadImage(
  stack: TestStack,
  token: string,
  opts: { bytes?: number; visibility?: 'public' | 'private' | 'shared'; diskFormat?: string; properties?: Record<string, string> } = {},
): Promise<{ id: string; data: Buffer }> {
  const base = `${stack.url}/image/v2`;
  const headers = { 'X-Auth-Token': token, 'Content-Type': 'application/json' };
  const created = await fetch(`${base}/images`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: `img-${suffix()}`,
      disk_format: opts.diskFormat ?? 'raw',
      container_format: 'bare',
      visibility: opts.visibility ?? 'private',
      ...opts.properties,
    }),
  });
  if (created.status !== 201) throw new Error(`image create: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const data = randomBytes(opts.bytes ?? 64 * 1024);
  const put = await fetch(`${base}/images/${id}/file`, {
    method: 'PUT',
    headers: { 'X-Auth-Token': token, 'Content-Type': 'application/octet-stream' },
    body: data,
  });
  if (put.status !== 204) throw new Error(`image upload: ${put.status} ${await put.text()}`);
  return { id, data };
}

/** Polls GET /servers/{id} until its status is `status` (ERROR fails fast unless asked for); returns the server. */
export async function waitForStatus(nova: ComputeClient, token: string, id: string, status: string, timeoutMs = 30_000): Promise<Json> {
  let last: Json;
  await waitUntil(
    `server ${id} to be ${status}`,
    async () => {
      const r = await nova.call('GET', `/servers/${id}`, { token, version: '2.47' });
      last = r.body?.server;
      if (status !== 'ERROR' && last?.status === 'ERROR') throw new Error(`server ${id} went to ERROR: ${JSON.stringify(last.fault)}`);
      return last?.status === status && last?.['OS-EXT-STS:task_state'] === null;
    },
    timeoutMs,
  );
  return last;
}

/** Polls until GET /servers/{id} answers 404. */
export async function waitForGone(nova: ComputeClient, token: string, id: string, timeoutMs = 30_000): Promise<void> {
  await waitUntil(`server ${id} to be gone`, async () => (await nova.call('GET', `/servers/${id}`, { token })).status === 404, timeoutMs);
}
