import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { suffix, type Actor } from '../../../../../tests/helpers/identity-client';
import { startS3Server, type S3Server } from '../../../../../tests/helpers/s3-server';
import { imageHarness, sha512, type ImageHarness } from '../image.harness';

const s3Env = (s3: S3Server, defaultStore: string) => ({
  IMAGE_STORES: 'file,s3',
  IMAGE_DEFAULT_STORE: defaultStore,
  IMAGE_S3_ENDPOINT: s3.endpoint,
  IMAGE_S3_BUCKET: s3.bucket,
  IMAGE_S3_ACCESS_KEY: s3.accessKey,
  IMAGE_S3_SECRET_KEY: s3.secretKey,
});

describe('image stores: file and an external S3 service side by side', async () => {
  const s3 = await startS3Server();
  // one cloud: the first API process defaults to the file store; the second, on the same database and data
  // directory, was started after the default changed to s3
  const h = await imageHarness(s3Env(s3, 'file'));
  let after: ImageHarness;
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    after = await imageHarness(s3Env(s3, 's3'), { join: h.stack });
    ({ alice, bob } = await h.ks.twoProjects());
  });

  it('lists the enabled stores and which one is the default, as Glance does', async () => {
    const before = await h.expectCall(200, 'GET', '/info/stores', { token: alice.token });
    expect(before.body).toEqual({ stores: [{ id: 'file', default: true }, { id: 's3' }] });
    const now = await after.expectCall(200, 'GET', '/info/stores', { token: alice.token });
    expect(now.body).toEqual({ stores: [{ id: 'file' }, { id: 's3', default: true }] });
    expect((await h.call('GET', '/info/stores')).status).toBe(401);
  });

  it('uploads into the store the client names, over several multipart parts, and downloads it bit for bit', async () => {
    // larger than two 8 MiB parts, and not a multiple of one
    const data = randomBytes(17 * 1024 * 1024 + 5);
    const image = await h.create(alice.token, { name: `s3-${suffix()}` });
    const put = await h.upload(alice.token, image.id, data, { 'X-Image-Meta-Store': 's3' });
    expect(put.status).toBe(204);

    const shown = (await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body;
    expect(shown).toMatchObject({ status: 'active', size: data.length, stores: 's3', os_hash_value: sha512(data) });
    expect(s3.objects()).toContain(`images/${image.id}`);
    expect(h.storeFiles()).not.toContain(image.id);
    expect(s3.openUploads()).toEqual([]);

    const got = await h.download(alice.token, image.id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(data)).toBe(true);
    const range = await h.download(alice.token, image.id, { Range: 'bytes=8388600-8388615' });
    expect(range.status).toBe(206);
    expect(range.bytes.equals(data.subarray(8388600, 8388616))).toBe(true);
    // another project still sees nothing
    expect((await h.download(bob.token, image.id)).status).toBe(404);
  });

  it('keeps serving an image stored in file after the default became s3, and sends new uploads to s3', async () => {
    const old = randomBytes(200_000);
    const oldImage = await h.create(alice.token);
    expect((await h.upload(alice.token, oldImage.id, old)).status).toBe(204);
    expect((await h.expectCall(200, 'GET', `/images/${oldImage.id}`, { token: alice.token })).body.stores).toBe('file');

    const got = await after.download(alice.token, oldImage.id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(old)).toBe(true);

    const fresh = randomBytes(1000);
    const newImage = await after.create(alice.token);
    expect((await after.upload(alice.token, newImage.id, fresh)).status).toBe(204);
    expect((await after.expectCall(200, 'GET', `/images/${newImage.id}`, { token: alice.token })).body.stores).toBe(
      's3',
    );
    expect((await h.download(alice.token, newImage.id)).bytes.equals(fresh)).toBe(true);

    // deletes go to the store holding the data, whichever process serves them
    await after.expectCall(204, 'DELETE', `/images/${oldImage.id}`, { token: alice.token });
    expect(h.storeFiles()).not.toContain(oldImage.id);
    await h.expectCall(204, 'DELETE', `/images/${newImage.id}`, { token: alice.token });
    expect(s3.objects()).not.toContain(`images/${newImage.id}`);
  });

  it('answers 400 naming an unknown store, and leaves the image queued for a retry', async () => {
    const image = await h.create(alice.token);
    const put = await h.upload(alice.token, image.id, randomBytes(100), { 'X-Image-Meta-Store': 'swift' });
    expect(put.status).toBe(400);
    expect(put.text).toContain('swift');
    const shown = (await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body;
    expect(shown).toMatchObject({ status: 'queued', size: null });
    expect(shown.stores).toBeUndefined();
    expect((await h.upload(alice.token, image.id, randomBytes(100))).status).toBe(204);
  });
});
