import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { suffix, waitUntil, type Actor } from '../../../../../tests/helpers/identity-client';
import { imageHarness, md5, qcow2Bytes, sha512 } from '../image.harness';

describe('image data: streaming upload and download', async () => {
  const h = await imageHarness();
  let alice: Actor;
  let bob: Actor;
  let admin: string;

  beforeAll(async () => {
    ({ alice, bob } = await h.ks.twoProjects());
    admin = await h.ks.admin();
  });

  it('stores an upload bit for bit, with its md5 checksum and sha512 hash, and serves it back', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const image = await h.create(alice.token, { name: `img-${suffix()}` });
    expect(image).toMatchObject({
      status: 'queued',
      size: null,
      checksum: null,
      owner: alice.projectId,
      visibility: 'shared',
    });
    expect((await h.upload(alice.token, image.id, data)).status).toBe(204);

    const shown = (await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body;
    expect(shown).toMatchObject({
      status: 'active',
      size: data.length,
      virtual_size: data.length,
      checksum: md5(data),
      os_hash_algo: 'sha512',
      os_hash_value: sha512(data),
    });

    const got = await h.download(alice.token, image.id);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-md5')).toBe(md5(data));
    expect(got.headers.get('content-length')).toBe(String(data.length));
    expect(sha512(got.bytes)).toBe(sha512(data));
  });

  it('reads the virtual size of a qcow2 image from its header', async () => {
    const data = qcow2Bytes(20n * 1024n ** 3n);
    const image = await h.create(alice.token, { disk_format: 'qcow2' });
    expect((await h.upload(alice.token, image.id, data)).status).toBe(204);
    const shown = (await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body;
    expect(shown).toMatchObject({ status: 'active', size: data.length, virtual_size: 20 * 1024 ** 3 });
  });

  it('serves byte ranges with 206, and 416 for a range past the end', async () => {
    const data = randomBytes(100_000);
    const image = await h.create(alice.token);
    await h.upload(alice.token, image.id, data);

    const part = await h.download(alice.token, image.id, { Range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${data.length}`);
    expect(part.bytes.equals(data.subarray(1000, 2000))).toBe(true);

    const tail = await h.download(alice.token, image.id, { Range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(tail.bytes.equals(data.subarray(data.length - 10))).toBe(true);

    const past = await h.download(alice.token, image.id, { Range: `bytes=${data.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${data.length}`);
  });

  it('answers 204 for the data of an image that has none yet', async () => {
    const image = await h.create(alice.token);
    expect((await h.download(alice.token, image.id)).status).toBe(204);
  });

  it('leaves no file behind when an upload breaks off, and takes the upload again afterwards', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const image = await h.create(alice.token);
    const before = h.storeFiles();
    const url = new URL(`${h.base}/images/${image.id}/file`);
    const req = http.request(url, {
      method: 'PUT',
      headers: {
        'X-Auth-Token': alice.token,
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(data.length),
      },
    });
    req.on('error', () => undefined);
    req.write(data.subarray(0, 512 * 1024));
    const status = async () => (await h.call('GET', `/images/${image.id}`, { token: alice.token })).body.status;
    await waitUntil('the upload to start', async () => (await status()) === 'saving');
    req.destroy();
    await waitUntil('the image to be queued again', async () => (await status()) === 'queued');
    await waitUntil('no partial file in the store', async () => h.storeFiles().length === before.length);

    expect((await h.upload(alice.token, image.id, data)).status).toBe(204);
    const got = await h.download(alice.token, image.id);
    expect(got.bytes.equals(data)).toBe(true);
  });

  it('returns 409 for a second upload while the first is still streaming, and keeps the first', async () => {
    const data = randomBytes(1024 * 1024);
    const image = await h.create(alice.token);
    const req = http.request(new URL(`${h.base}/images/${image.id}/file`), {
      method: 'PUT',
      headers: {
        'X-Auth-Token': alice.token,
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(data.length),
      },
    });
    const first = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => (res.resume(), resolve(res.statusCode!)));
      req.on('error', reject);
    });
    req.write(data.subarray(0, 1000));
    await waitUntil(
      'the first upload to start',
      async () => (await h.call('GET', `/images/${image.id}`, { token: alice.token })).body.status === 'saving',
    );
    expect((await h.upload(alice.token, image.id, randomBytes(10))).status).toBe(409);
    req.end(data.subarray(1000));
    expect(await first).toBe(204);
    expect((await h.download(alice.token, image.id)).bytes.equals(data)).toBe(true);
  });

  it('streams an upload sent without Content-Length (chunked)', async () => {
    const chunks = [randomBytes(70_000), randomBytes(70_000), randomBytes(5)];
    const image = await h.create(alice.token);
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = chunks.shift();
        if (next) c.enqueue(next);
        else c.close();
      },
    });
    const all = Buffer.concat([...chunks]);
    expect((await h.upload(alice.token, image.id, stream)).status).toBe(204);
    expect((await h.download(alice.token, image.id)).bytes.equals(all)).toBe(true);
  });

  it('refuses downloads of a deactivated image to everyone but admins, until it is reactivated', async () => {
    const data = randomBytes(1000);
    const image = await h.create(alice.token);
    await h.upload(alice.token, image.id, data);
    await h.expectCall(204, 'POST', `/images/${image.id}/actions/deactivate`, { token: alice.token });
    expect((await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body.status).toBe(
      'deactivated',
    );
    expect((await h.download(alice.token, image.id)).status).toBe(403);
    expect((await h.download(admin, image.id)).bytes.equals(data)).toBe(true);
    await h.expectCall(204, 'POST', `/images/${image.id}/actions/reactivate`, { token: alice.token });
    expect((await h.download(alice.token, image.id)).bytes.equals(data)).toBe(true);
  });

  it('refuses to deactivate an image that has no data', async () => {
    const image = await h.create(alice.token);
    expect((await h.call('POST', `/images/${image.id}/actions/deactivate`, { token: alice.token })).status).toBe(403);
  });

  it('returns 404 for bob on the data of alice’s private image', async () => {
    const image = await h.create(alice.token, { visibility: 'private' });
    await h.upload(alice.token, image.id, randomBytes(10));
    expect((await h.download(bob.token, image.id)).status).toBe(404);
    expect((await h.upload(bob.token, image.id, randomBytes(10))).status).toBe(404);
  });
});
