import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { suffix, type Actor } from '../../../../../tests/helpers/identity-client';
import { imageHarness, qcow2Bytes } from '../image.harness';

const CAP = 1024 * 1024;

describe('image API bad input: the status Glance answers, and nothing written', async () => {
  const h = await imageHarness({ IMAGE_SIZE_CAP_BYTES: String(CAP) });
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    ({ alice, bob } = await h.ks.twoProjects());
  });

  const expectFault = (
    r: { status: number; body: { code: string; title: string; message: string } },
    status: number,
    message: RegExp,
  ) => {
    expect(r.status).toBe(status);
    expect(r.body.code).toMatch(new RegExp(`^${status} `));
    expect(r.body.message).toMatch(message);
  };
  const named = async (token: string, name: string) =>
    (await h.expectCall(200, 'GET', `/images?name=${encodeURIComponent(name)}`, { token })).body.images;
  const statusOf = async (token: string, id: string) =>
    (await h.expectCall(200, 'GET', `/images/${id}`, { token })).body.status;

  it('returns 401 without a token', async () => {
    expectFault(await h.call('GET', '/images'), 401, /authentication/);
  });

  it.each([
    ['disk_format', { disk_format: 'floppy' }],
    ['container_format', { container_format: 'zip' }],
    ['min_disk', { min_disk: -1 }],
    ['protected', { protected: 'yes' }],
    ['hw_disk_bus', { hw_disk_bus: 42 }],
    ['properties', { ['k'.repeat(300)]: 'v' }],
  ])('returns 400 naming %s when it has a bad value, and creates nothing', async (field, fields) => {
    const name = `bad-${suffix()}`;
    const r = await h.call('POST', '/images', {
      token: alice.token,
      body: { name, disk_format: 'raw', container_format: 'bare', ...fields },
    });
    expectFault(r, 400, new RegExp(`'${field}`));
    expect(await named(alice.token, name)).toEqual([]);
  });

  it('returns 403 for a read-only attribute in a create, and 400 for a body that is not JSON', async () => {
    expectFault(
      await h.call('POST', '/images', { token: alice.token, body: { name: 'x', status: 'active' } }),
      403,
      /'status' is read-only/,
    );
    const r = await h.call('POST', '/images', {
      token: alice.token,
      data: '{"name": ',
      headers: { 'Content-Type': 'application/json' },
    });
    expectFault(r, 400, /Malformed JSON/);
  });

  it('returns 400 when declared qcow2 content is not qcow2, and leaves the image queued with no data', async () => {
    const image = await h.create(alice.token, { disk_format: 'qcow2' });
    const before = h.storeFiles();
    expectFault(await h.upload(alice.token, image.id, randomBytes(64 * 1024)), 400, /does not match disk_format qcow2/);
    expect(await statusOf(alice.token, image.id)).toBe('queued');
    expect(h.storeFiles()).toEqual(before);
    // the same image then takes real qcow2 data
    expect((await h.upload(alice.token, image.id, qcow2Bytes(1n << 30n))).status).toBe(204);
  });

  it('returns 400 for an ISO without its CD001 signature, and for raw content that is really qcow2', async () => {
    const iso = await h.create(alice.token, { disk_format: 'iso' });
    expectFault(await h.upload(alice.token, iso.id, Buffer.alloc(40_000)), 400, /CD001/);
    const raw = await h.create(alice.token, { disk_format: 'raw' });
    expectFault(await h.upload(alice.token, raw.id, qcow2Bytes(1n << 20n)), 400, /is a qcow2/);
    expect(await statusOf(alice.token, raw.id)).toBe('queued');
  });

  it('returns 409 for an upload to an active image, and keeps the first data', async () => {
    const image = await h.create(alice.token);
    const first = randomBytes(1000);
    await h.upload(alice.token, image.id, first);
    expectFault(await h.upload(alice.token, image.id, randomBytes(1000)), 409, /active to saving/);
    expect((await h.download(alice.token, image.id)).bytes.equals(first)).toBe(true);
  });

  it('returns 400 for an upload before the formats are set', async () => {
    const image = (await h.expectCall(201, 'POST', '/images', { token: alice.token, body: { name: `nf-${suffix()}` } }))
      .body;
    expectFault(
      await h.upload(alice.token, image.id, randomBytes(10)),
      400,
      /disk_format, container_format must be set/,
    );
  });

  it('returns 403 when deleting a protected image, and deletes it once unprotected', async () => {
    const image = await h.create(alice.token, { protected: true });
    expectFault(await h.call('DELETE', `/images/${image.id}`, { token: alice.token }), 403, /protected/);
    expect(await statusOf(alice.token, image.id)).toBe('queued');
    await h.expectCall(200, 'PATCH', `/images/${image.id}`, {
      token: alice.token,
      body: [{ op: 'replace', path: '/protected', value: false }],
    });
    await h.expectCall(204, 'DELETE', `/images/${image.id}`, { token: alice.token });
    expect((await h.call('GET', `/images/${image.id}`, { token: alice.token })).status).toBe(404);
  });

  it('returns 413 for an upload over the size cap, declared or streamed, and keeps nothing', async () => {
    const image = await h.create(alice.token);
    const before = h.storeFiles();
    expectFault(await h.upload(alice.token, image.id, randomBytes(CAP + 1)), 413, /size cap/);
    expect(await statusOf(alice.token, image.id)).toBe('queued');

    // without Content-Length the cap is found while streaming
    const chunks = Array.from({ length: 5 }, () => randomBytes(CAP / 4));
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = chunks.shift();
        if (next) c.enqueue(next);
        else c.close();
      },
    });
    const r = await h.upload(alice.token, image.id, stream);
    expect(r.status).toBe(413);
    expect(await statusOf(alice.token, image.id)).toBe('queued');
    expect(h.storeFiles()).toEqual(before);
    // exactly the cap is fine
    expect((await h.upload(alice.token, image.id, randomBytes(CAP))).status).toBe(204);
  });

  it('returns 404 for another project’s private image, whatever the call', async () => {
    const image = await h.create(alice.token, { visibility: 'private' });
    const calls: [string, string, object][] = [
      ['GET', `/images/${image.id}`, {}],
      ['PATCH', `/images/${image.id}`, { body: [{ op: 'replace', path: '/name', value: 'mine' }] }],
      ['DELETE', `/images/${image.id}`, {}],
      ['GET', `/images/${image.id}/members`, {}],
      ['POST', `/images/${image.id}/members`, { body: { member: bob.projectId } }],
      ['POST', `/images/${image.id}/actions/deactivate`, {}],
      ['PUT', `/images/${image.id}/tags/x`, {}],
    ];
    for (const [method, path, opts] of calls)
      expect((await h.call(method, path, { token: bob.token, ...opts })).status, `${method} ${path}`).toBe(404);
    expect(await statusOf(alice.token, image.id)).toBe('queued');
  });

  it('returns 403 for a patch on a read-only attribute, 400 for a bad op, 409 for removing a missing property', async () => {
    const image = await h.create(alice.token);
    const patch = (ops: unknown) => h.call('PATCH', `/images/${image.id}`, { token: alice.token, body: ops });
    expectFault(await patch([{ op: 'replace', path: '/status', value: 'active' }]), 403, /'status' is read-only/);
    expectFault(await patch([{ op: 'replace', path: '/size', value: 1 }]), 403, /'size' is read-only/);
    expectFault(await patch([{ op: 'replace', path: '/id', value: crypto.randomUUID() }]), 403, /'id' is read-only/);
    expectFault(await patch([{ op: 'copy', path: '/name', from: '/id' }]), 400, /Invalid operation/);
    expectFault(await patch([{ op: 'replace', path: '/disk_format', value: 'floppy' }]), 400, /disk_format/);
    expectFault(await patch([{ op: 'remove', path: '/no_such_property' }]), 409, /does not exist/);
    expect(await statusOf(alice.token, image.id)).toBe('queued');
  });

  it('returns 400 for a bad list query: unknown sort key, bad limit, bad member_status', async () => {
    for (const q of ['sort_key=colour', 'limit=-1', 'member_status=maybe', 'sort=name:sideways']) {
      expect((await h.call('GET', `/images?${q}`, { token: alice.token })).status, q).toBe(400);
    }
  });

  it('returns 404 for an unknown image id, a malformed one, and an unknown path', async () => {
    for (const path of ['/images/2f3c2c1a-0000-4000-8000-000000000000', '/images/not-a-uuid', '/imagez']) {
      expect((await h.call('GET', path, { token: alice.token })).status, path).toBe(404);
    }
  });
});
