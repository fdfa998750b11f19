import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { identityClient, suffix, type Actor } from '../../../tests/helpers/identity-client';
import { startTestStack, type TestStack } from '../../../tests/helpers/stack';
import { CSRF_HEADER } from '../../lib/session-cookie';
import { trpcHttp } from '../trpc.harness';

/** Larger than the streaming test's file; the over-the-cap test only declares a larger length. */
const CAP = 512 * 1024 * 1024;
let stack: TestStack;
let trpc: ReturnType<typeof trpcHttp>;
let alice: Actor & { cookie: string };
let bob: Actor & { cookie: string };
let admin: { cookie: string };

beforeAll(async () => {
  stack = await startTestStack({ IMAGE_SIZE_CAP_BYTES: String(CAP) });
  trpc = trpcHttp(stack.url);
  const ids = identityClient(stack);
  const { alice: a, bob: b } = await ids.twoProjects();
  alice = { ...a, cookie: (await trpc.login(a.name, a.password)).cookie };
  bob = { ...b, cookie: (await trpc.login(b.name, b.password)).cookie };
  admin = { cookie: (await trpc.login('admin', 'admin-secret')).cookie };
});

/** The browser's PUT: the session cookie and the CSRF header, the file as the body. */
const upload = (id: string, body: BodyInit, opts: { cookie?: string; csrf?: boolean; type?: string } = {}) =>
  fetch(`${stack.url}/api/images/${id}/file`, {
    method: 'PUT',
    headers: {
      'content-type': opts.type ?? 'application/octet-stream',
      ...(opts.cookie && { cookie: opts.cookie }),
      ...(opts.csrf !== false && { [CSRF_HEADER]: '1' }),
    },
    body,
    // a stream body needs half-duplex in Node's fetch
    ...(typeof body === 'object' && 'pipe' in body ? { duplex: 'half' } : {}),
  } as RequestInit);

const create = (as: { cookie: string }, extra: Record<string, unknown> = {}) =>
  trpc.mutate('images.create', { name: `img-${suffix()}`, diskFormat: 'raw', ...extra }, as);

describe('images over tRPC and the dashboard upload route', () => {
  it('creates a record, streams the file into it, and Glance serves the same bytes', async () => {
    const created = await create(alice, { properties: { os_distro: 'cirros' } });
    expect(created.status).toBe(200);
    expect(created.data).toMatchObject({ status: 'queued', visibility: 'private', diskFormat: 'raw', size: null });
    expect(created.data).not.toHaveProperty('location');

    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    // sent as a stream in 64 KiB pieces, as a browser sends a file
    const pieces = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) =>
      bytes.subarray(i * 65536, (i + 1) * 65536),
    );
    const res = await upload(created.data.id, Readable.from(pieces) as unknown as BodyInit, alice);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: created.data.id, status: 'active', size: bytes.length });

    const shown = await trpc.query('images.get', { id: created.data.id }, alice);
    expect(shown.data).toMatchObject({ status: 'active', size: bytes.length, properties: { os_distro: 'cirros' } });
    expect((await trpc.query('images.list', undefined, alice)).data.map((i: { id: string }) => i.id)).toContain(
      created.data.id,
    );

    const download = await fetch(`${stack.url}/image/v2/images/${created.data.id}/file`, {
      headers: { 'x-auth-token': alice.token },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

    // a second upload to an active image is refused, with a JSON body the page can show
    const again = await upload(created.data.id, 'x', alice);
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatchObject({ appCode: 'Conflict', httpStatus: 409 });
  });

  it('refuses an upload without a session, without the CSRF header, of another content type, or over the cap', async () => {
    const { data } = await create(alice);
    const anonymous = await upload(data.id, 'abc');
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.appCode).toBe('Unauthorized');

    const forged = await upload(data.id, 'abc', { cookie: alice.cookie, csrf: false });
    expect(forged.status).toBe(403);
    expect((await forged.json()).error.message).toMatch(/x-cumulo-csrf/);

    const text = await upload(data.id, 'abc', { ...alice, type: 'text/plain' });
    expect(text.status).toBe(400);
    expect((await text.json()).error.message).toMatch(/application\/octet-stream/);
    expect((await upload(data.id, 'abc', { ...alice, type: 'image/png' })).status).toBe(415);

    // refused on the declared length, before a byte is stored
    const huge = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${stack.url}/api/images/${data.id}/file`, {
        method: 'PUT',
        headers: {
          cookie: alice.cookie,
          [CSRF_HEADER]: '1',
          'content-type': 'application/octet-stream',
          'content-length': String(CAP + 1),
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode!, body });
        });
      });
      req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
      req.write(Buffer.alloc(1024));
    });
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body).error.message).toMatch(/image size cap/);
    // nothing was stored: the image can still take its data
    expect((await trpc.query('images.get', { id: data.id }, alice)).data.status).toBe('queued');
  });

  it('another project sees none of it: get, update, delete and upload are NOT_FOUND', async () => {
    const { data } = await create(alice);
    expect((await trpc.query('images.get', { id: data.id }, bob)).error.data.code).toBe('NOT_FOUND');
    expect((await trpc.mutate('images.update', { id: data.id, patch: { name: 'mine' } }, bob)).error.data.code).toBe(
      'NOT_FOUND',
    );
    expect((await trpc.mutate('images.delete', { id: data.id }, bob)).error.data.code).toBe('NOT_FOUND');
    expect((await upload(data.id, 'abc', bob)).status).toBe(404);
    expect((await trpc.query('images.list', undefined, bob)).data.map((i: { id: string }) => i.id)).not.toContain(
      data.id,
    );
    // an admin sees every project's images
    expect((await trpc.query('images.get', { id: data.id }, admin)).status).toBe(200);
  });

  it('shares an image: the owner adds and removes members, the member answers for itself only', async () => {
    const { data } = await create(alice, { visibility: 'shared' });
    const id = data.id;
    // bootable only once it has data
    expect((await upload(id, 'bytes', alice)).status).toBe(200);
    // not shared with bob yet: nothing about it is visible to him
    expect((await trpc.query('images.members.list', { id }, bob)).error.data.code).toBe('NOT_FOUND');
    expect((await trpc.mutate('images.members.add', { id, project: bob.projectId }, bob)).status).toBe(404);
    // a name is looked up among the caller's own projects only
    const byName = await trpc.mutate('images.members.add', { id, project: bob.projectName }, alice);
    expect(byName.status).toBe(400);
    expect(byName.error.message).toContain(`No project named ${bob.projectName} among the projects you can see`);
    const empty = await trpc.mutate('images.members.add', { id, project: ' ' }, alice);
    expect(empty.error.data.validation.fieldErrors.project).toEqual(['Enter a project ID or name.']);

    const added = await trpc.mutate('images.members.add', { id, project: bob.projectId }, alice);
    expect(added.data).toMatchObject({ memberId: bob.projectId, status: 'pending' });
    expect((await trpc.mutate('images.members.add', { id, project: bob.projectId }, alice)).status).toBe(409);
    const listed = (await trpc.query('images.list', undefined, bob)).data.find((i: { id: string }) => i.id === id);
    expect(listed).toMatchObject({ id, memberStatus: 'pending' });
    expect(
      (await trpc.query('compute.images.bootable', undefined, bob)).data.map((i: { id: string }) => i.id),
    ).not.toContain(id);
    // the owner cannot answer for bob, bob cannot manage the members
    expect((await trpc.mutate('images.members.setStatus', { id, status: 'accepted' }, alice)).status).toBe(404);
    expect((await trpc.mutate('images.members.remove', { id, memberId: bob.projectId }, bob)).status).toBe(403);

    const accepted = await trpc.mutate('images.members.setStatus', { id, status: 'accepted' }, bob);
    expect(accepted.data).toMatchObject({ memberId: bob.projectId, status: 'accepted' });
    expect((await trpc.query('images.get', { id }, bob)).data.memberStatus).toBe('accepted');
    expect(
      (await trpc.query('compute.images.bootable', undefined, bob)).data.map((i: { id: string }) => i.id),
    ).toContain(id);
    expect((await trpc.query('images.members.list', { id }, alice)).data).toEqual([
      expect.objectContaining({ memberId: bob.projectId, status: 'accepted' }),
    ]);
    expect((await trpc.query('images.get', { id }, alice)).data.memberStatus).toBeNull();

    expect((await trpc.mutate('images.members.remove', { id, memberId: bob.projectId }, alice)).status).toBe(200);
    expect((await trpc.query('images.get', { id }, bob)).status).toBe(404);
  });

  it('an admin may name any project to share with; a private image has no members', async () => {
    const { data } = await create(admin, { visibility: 'shared' });
    const added = await trpc.mutate('images.members.add', { id: data.id, project: bob.projectName }, admin);
    expect(added.data).toMatchObject({ memberId: bob.projectId, status: 'pending' });
    const own = await create(alice);
    const refused = await trpc.mutate('images.members.add', { id: own.data.id, project: bob.projectId }, alice);
    expect(refused.status).toBe(403);
    expect(refused.error.message).toContain('Only shared images have members');
  });

  it('edits name, visibility, limits and properties; public is for admins only', async () => {
    const { data } = await create(alice, { properties: { a: '1', b: '2' } });
    const edited = await trpc.mutate(
      'images.update',
      {
        id: data.id,
        patch: {
          name: 'renamed',
          visibility: 'shared',
          minDisk: 2,
          minRam: 512,
          setProperties: { c: '3' },
          removeProperties: ['a'],
        },
      },
      alice,
    );
    expect(edited.data).toMatchObject({
      name: 'renamed',
      visibility: 'shared',
      minDisk: 2,
      minRam: 512,
      properties: { b: '2', c: '3' },
    });

    const publish = await trpc.mutate('images.update', { id: data.id, patch: { visibility: 'public' } }, alice);
    expect(publish.error.data.code).toBe('FORBIDDEN');
    expect((await create(alice, { visibility: 'public' })).error.data.code).toBe('FORBIDDEN');
    const byAdmin = await trpc.mutate('images.update', { id: data.id, patch: { visibility: 'public' } }, admin);
    expect(byAdmin.data.visibility).toBe('public');
    // now bob sees it, but it is not his to change
    expect((await trpc.query('images.get', { id: data.id }, bob)).status).toBe(200);
    expect((await trpc.mutate('images.delete', { id: data.id }, bob)).error.data.code).toBe('FORBIDDEN');

    const invalid = await trpc.mutate('images.update', { id: data.id, patch: { name: '  ', minRam: -1 } }, alice);
    expect(invalid.error.data.validation.fieldErrors).toMatchObject({
      'patch.name': ['Enter a name.'],
      'patch.minRam': ['must not be negative'],
    });
    const reserved = await trpc.mutate(
      'images.update',
      { id: data.id, patch: { setProperties: { status: 'x' } } },
      alice,
    );
    expect(reserved.error.message).toMatch(/read-only/);
  });

  it('a protected image cannot be deleted until it is unprotected', async () => {
    const { data } = await create(alice, { protected: true });
    const refused = await trpc.mutate('images.delete', { id: data.id }, alice);
    expect(refused.status).toBe(403);
    expect(refused.error).toMatchObject({ data: { code: 'FORBIDDEN' } });
    expect(refused.error.message).toMatch(/protected and cannot be deleted/);
    await trpc.mutate('images.update', { id: data.id, patch: { protected: false } }, alice);
    expect((await trpc.mutate('images.delete', { id: data.id }, alice)).status).toBe(200);
    expect((await trpc.query('images.get', { id: data.id }, alice)).error.data.code).toBe('NOT_FOUND');
  });

  it('answers UNAUTHORIZED without a session', async () => {
    expect((await trpc.query('images.list')).status).toBe(401);
    expect((await trpc.query('images.uploadLimits', undefined, alice)).data).toEqual({ sizeCap: CAP });
  });

  it('streams a 256 MiB upload into the store without the process growing by anything like the file', async () => {
    const MiB = 1024 * 1024;
    const total = 256 * MiB;
    const { data } = await create(alice);
    const sent = createHash('sha512');
    const block = Buffer.alloc(MiB, 0x5a);
    let produced = 0;
    const body = new Readable({
      read() {
        if (produced >= total) return void this.push(null);
        const chunk = Buffer.from(block);
        chunk.writeUInt32BE(produced / MiB, 0);
        sent.update(chunk);
        produced += chunk.length;
        this.push(chunk);
      },
    });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      // node:http rather than fetch: undici would hold a streamed request body in memory and measure the client
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${stack.url}/api/images/${data.id}/file`, {
          method: 'PUT',
          headers: { cookie: alice.cookie, [CSRF_HEADER]: '1', 'content-type': 'application/octet-stream' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        body.pipe(req);
      });
      expect(status).toBe(200);
    } finally {
      clearInterval(sampler);
    }
    expect(peak - rssBefore).toBeLessThan(total / 4);
    const shown = await trpc.query('images.get', { id: data.id }, alice);
    expect(shown.data).toMatchObject({ status: 'active', size: total });
    const r = await fetch(`${stack.url}/image/v2/images/${data.id}`, { headers: { 'x-auth-token': alice.token } });
    expect((await r.json()).os_hash_value).toBe(sent.digest('hex'));
  }, 120_000);
});
