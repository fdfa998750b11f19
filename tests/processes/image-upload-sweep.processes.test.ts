import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageHarness, sha512 } from '../../server/api/openstack/image/image.harness';
import { startApiProcess } from '../helpers/api-process';
import { waitUntil, type Actor } from '../helpers/identity-client';

// a lease short enough for a test, long enough that a loaded machine's late timers do not lose it
const LEASE = { IMAGE_UPLOAD_LEASE_SECONDS: '3', IMAGE_UPLOAD_SWEEP_SECONDS: '0.5' };

/** A request body that sends `parts` chunks of 256 KiB, `everyMs` apart, then ends, or hangs when `hang`. */
function slowBody(o: { parts: number; everyMs: number; hang?: boolean }) {
  const sent: Buffer[] = [];
  let n = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (n === o.parts) {
        if (o.hang) return new Promise<void>(() => undefined);
        return controller.close();
      }
      if (n++ > 0) await new Promise((r) => setTimeout(r, o.everyMs));
      const chunk = randomBytes(256 * 1024);
      sent.push(chunk);
      controller.enqueue(chunk);
    },
  });
  return { stream, sent: () => Buffer.concat(sent) };
}

describe('uploads interrupted by a crash, with several API processes on one database', async () => {
  // this process sweeps every half second; the others upload
  const h = await imageHarness(LEASE);
  let alice: Actor;
  beforeAll(async () => {
    ({ alice } = await h.ks.twoProjects());
  });
  const status = async (id: string) =>
    (await h.expectCall(200, 'GET', `/images/${id}`, { token: alice.token })).body.status as string;
  const tempFiles = (id: string) => h.storeFiles().filter((f) => f.startsWith(`.upload-${id}`));

  it('returns an image whose uploading process was killed to queued, without its partial data, and takes a new upload', async () => {
    const other = await startApiProcess(h.stack, { ...LEASE, IMAGE_UPLOAD_SWEEP_SECONDS: '3600' });
    const image = await h.create(alice.token);
    const body = slowBody({ parts: 4, everyMs: 10, hang: true });
    const upload = fetch(`${other.url}/image/v2/images/${image.id}/file`, {
      method: 'PUT',
      headers: { 'X-Auth-Token': alice.token, 'Content-Type': 'application/octet-stream' },
      body: body.stream,
      duplex: 'half',
    } as RequestInit).catch((e: Error) => e);
    await waitUntil('the upload to have written data', async () => tempFiles(image.id).length === 1, 10_000);
    expect(await status(image.id)).toBe('saving');

    other.child.kill('SIGKILL');
    await other.exited;
    expect(await upload).toBeInstanceOf(Error);
    expect(tempFiles(image.id)).toHaveLength(1);

    await waitUntil(
      'the sweep to return the image to queued',
      async () => (await status(image.id)) === 'queued',
      10_000,
    );
    expect(tempFiles(image.id)).toEqual([]);
    const shown = (await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body;
    expect(shown).toMatchObject({ status: 'queued', size: null, checksum: null });

    const data = randomBytes(300_000);
    expect((await h.upload(alice.token, image.id, data)).status).toBe(204);
    const got = await h.download(alice.token, image.id);
    expect(sha512(got.bytes)).toBe(sha512(data));
  });

  it('never sweeps a slow upload that a live process is still streaming', async () => {
    const other = await startApiProcess(h.stack, { ...LEASE, IMAGE_UPLOAD_SWEEP_SECONDS: '3600' });
    const image = await h.create(alice.token);
    // about 8 s of uploading: more than two leases, some fifteen sweeps of this process
    const body = slowBody({ parts: 17, everyMs: 500 });
    const started = Date.now();
    const upload = fetch(`${other.url}/image/v2/images/${image.id}/file`, {
      method: 'PUT',
      headers: { 'X-Auth-Token': alice.token, 'Content-Type': 'application/octet-stream' },
      body: body.stream,
      duplex: 'half',
    } as RequestInit);
    await waitUntil('the upload to start', async () => (await status(image.id)) === 'saving', 10_000);
    const seen = new Set<string>();
    while (Date.now() - started < 7000) {
      seen.add(await status(image.id));
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(seen).toEqual(new Set(['saving']));
    expect((await upload).status).toBe(204);

    const shown = (await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body;
    expect(shown).toMatchObject({ status: 'active', size: 17 * 256 * 1024, os_hash_value: sha512(body.sent()) });
    expect(sha512((await h.download(alice.token, image.id)).bytes)).toBe(sha512(body.sent()));
  });
});
