import http from 'node:http';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../../../tests/helpers/identity-client';
import { imageHarness } from '../image.harness';

const MiB = 1024 * 1024;
const TOTAL = 256 * MiB;

/** A generated stream of TOTAL bytes (a repeating 1 MiB block with a counter), never held in memory at once. */
function bigStream(hash: ReturnType<typeof createHash>) {
  const block = Buffer.alloc(MiB, 0xa5);
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= TOTAL) return c.close();
      const chunk = Buffer.from(block);
      chunk.writeUInt32BE(sent / MiB, 0);
      hash.update(chunk);
      sent += chunk.length;
      c.enqueue(chunk);
    },
  });
}

describe('image data in constant memory', async () => {
  const h = await imageHarness();
  let alice: Actor;
  beforeAll(async () => {
    alice = await h.ks.userOnProject('member', 'alice');
  });

  it('streams a 256 MiB upload and download without the process growing by anything like the image', async () => {
    const image = await h.create(alice.token);
    const sent = createHash('sha512');
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      // node:http, not fetch: undici keeps a streamed request body in memory, which would measure the client
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${h.base}/images/${image.id}/file`, {
          method: 'PUT',
          headers: { 'X-Auth-Token': alice.token, 'Content-Type': 'application/octet-stream' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        Readable.fromWeb(bigStream(sent) as never).pipe(req);
      });
      expect(status).toBe(204);
      const res = await fetch(`${h.base}/images/${image.id}/file`, { headers: { 'X-Auth-Token': alice.token } });
      const got = createHash('sha512');
      for await (const chunk of Readable.fromWeb(res.body! as never)) got.update(chunk);
      const digest = sent.digest('hex');
      expect(got.digest('hex')).toBe(digest);
      const shown = (await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body;
      expect(shown).toMatchObject({ size: TOTAL, os_hash_value: digest });
    } finally {
      clearInterval(sampler);
    }
    expect(peak - rssBefore).toBeLessThan(TOTAL / 4);
  });
});
