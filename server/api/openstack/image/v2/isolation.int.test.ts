import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { suffix, type Actor } from '../../../../../tests/helpers/identity-client';
import { imageHarness } from '../image.harness';

describe('image isolation between projects: visibility, members, sharing', async () => {
  const h = await imageHarness();
  let alice: Actor;
  let bob: Actor;
  let admin: string;

  beforeAll(async () => {
    ({ alice, bob } = await h.ks.twoProjects());
    admin = await h.ks.admin();
  });

  const ids = async (token: string, query = '') =>
    ((await h.expectCall(200, 'GET', `/images${query}`, { token })).body.images as { id: string }[]).map((i) => i.id);
  const member = (token: string, imageId: string, projectId: string, status: string) =>
    h.call('PUT', `/images/${imageId}/members/${projectId}`, { token, body: { status } });

  it('keeps a private image to its project: bob neither lists nor sees it', async () => {
    const image = await h.create(alice.token, { visibility: 'private', name: `priv-${suffix()}` });
    expect(await ids(alice.token)).toContain(image.id);
    expect(await ids(bob.token)).not.toContain(image.id);
    expect(await ids(bob.token, '?visibility=private')).not.toContain(image.id);
    expect((await h.call('GET', `/images/${image.id}`, { token: bob.token })).status).toBe(404);
    expect(await ids(admin)).toContain(image.id);
  });

  it('shares an image with a member: pending is visible by id only, accepted is listed, rejected is not', async () => {
    const image = await h.create(alice.token, { name: `shared-${suffix()}` });
    await h.upload(alice.token, image.id, randomBytes(100));
    const added = await h.expectCall(200, 'POST', `/images/${image.id}/members`, {
      token: alice.token,
      body: { member: bob.projectId },
    });
    expect(added.body).toMatchObject({ image_id: image.id, member_id: bob.projectId, status: 'pending' });

    expect((await h.call('GET', `/images/${image.id}`, { token: bob.token })).status).toBe(200);
    expect(await ids(bob.token)).not.toContain(image.id);
    expect(await ids(bob.token, '?member_status=pending')).toContain(image.id);

    expect((await member(bob.token, image.id, bob.projectId, 'accepted')).body.status).toBe('accepted');
    expect(await ids(bob.token)).toContain(image.id);
    expect(await ids(bob.token, '?visibility=shared')).toContain(image.id);
    expect((await h.download(bob.token, image.id)).status).toBe(200);

    expect((await member(bob.token, image.id, bob.projectId, 'rejected')).status).toBe(200);
    expect(await ids(bob.token)).not.toContain(image.id);
  });

  it('lets only the member answer for itself, and shows a member only its own membership', async () => {
    const carol = await h.ks.userOnProject('member', 'carol');
    const image = await h.create(alice.token);
    await h.expectCall(200, 'POST', `/images/${image.id}/members`, {
      token: alice.token,
      body: { member: bob.projectId },
    });
    await h.expectCall(200, 'POST', `/images/${image.id}/members`, {
      token: alice.token,
      body: { member: carol.projectId },
    });

    expect((await member(alice.token, image.id, bob.projectId, 'accepted')).status).toBe(403);
    expect((await member(carol.token, image.id, bob.projectId, 'accepted')).status).toBe(403);
    expect((await member(bob.token, image.id, bob.projectId, 'maybe')).status).toBe(400);

    const ownerView = (await h.expectCall(200, 'GET', `/images/${image.id}/members`, { token: alice.token })).body
      .members;
    expect(ownerView.map((m: { member_id: string }) => m.member_id).sort()).toEqual(
      [bob.projectId, carol.projectId].sort(),
    );
    const bobView = (await h.expectCall(200, 'GET', `/images/${image.id}/members`, { token: bob.token })).body.members;
    expect(bobView.map((m: { member_id: string }) => m.member_id)).toEqual([bob.projectId]);
    expect((await h.call('GET', `/images/${image.id}/members/${carol.projectId}`, { token: bob.token })).status).toBe(
      404,
    );

    expect(
      (await h.call('POST', `/images/${image.id}/members`, { token: alice.token, body: { member: bob.projectId } }))
        .status,
    ).toBe(409);
    await h.expectCall(204, 'DELETE', `/images/${image.id}/members/${carol.projectId}`, { token: alice.token });
    expect((await h.call('GET', `/images/${image.id}`, { token: carol.token })).status).toBe(404);
  });

  it('gives members of a shared image no say over it: bob cannot change, upload to, add members to or delete it', async () => {
    const image = await h.create(alice.token);
    await h.expectCall(200, 'POST', `/images/${image.id}/members`, {
      token: alice.token,
      body: { member: bob.projectId },
    });
    await member(bob.token, image.id, bob.projectId, 'accepted');
    expect(
      (
        await h.call('PATCH', `/images/${image.id}`, {
          token: bob.token,
          body: [{ op: 'replace', path: '/name', value: 'bob' }],
        })
      ).status,
    ).toBe(403);
    expect((await h.upload(bob.token, image.id, randomBytes(10))).status).toBe(403);
    expect(
      (await h.call('POST', `/images/${image.id}/members`, { token: bob.token, body: { member: bob.projectId } }))
        .status,
    ).toBe(403);
    expect((await h.call('DELETE', `/images/${image.id}`, { token: bob.token })).status).toBe(403);
    expect((await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body.status).toBe('queued');
  });

  it('has members only on shared images', async () => {
    const image = await h.create(alice.token, { visibility: 'private' });
    expect(
      (await h.call('POST', `/images/${image.id}/members`, { token: alice.token, body: { member: bob.projectId } }))
        .status,
    ).toBe(403);
  });

  it('lets only admins publish public images, which everyone then lists', async () => {
    expect(
      (await h.call('POST', '/images', { token: alice.token, body: { name: 'pub', visibility: 'public' } })).status,
    ).toBe(403);
    const own = await h.create(alice.token);
    const r = await h.call('PATCH', `/images/${own.id}`, {
      token: alice.token,
      body: [{ op: 'replace', path: '/visibility', value: 'public' }],
    });
    expect(r.status).toBe(403);

    const image = await h.create(admin, { visibility: 'public', name: `pub-${suffix()}` });
    expect(await ids(alice.token)).toContain(image.id);
    expect(await ids(bob.token, '?visibility=public')).toContain(image.id);
    expect(
      (
        await h.call('PATCH', `/images/${image.id}`, {
          token: bob.token,
          body: [{ op: 'replace', path: '/name', value: 'x' }],
        })
      ).status,
    ).toBe(403);
  });

  it('shows community images by id and under visibility=community, not in the default list', async () => {
    const image = await h.create(alice.token, { visibility: 'community' });
    expect((await h.call('GET', `/images/${image.id}`, { token: bob.token })).status).toBe(200);
    expect(await ids(bob.token)).not.toContain(image.id);
    expect(await ids(bob.token, '?visibility=community')).toContain(image.id);
  });

  it('refuses to create an image in another project’s name unless admin', async () => {
    const r = await h.call('POST', '/images', { token: alice.token, body: { name: 'x', owner: bob.projectId } });
    expect(r.status).toBe(403);
    const byAdmin = await h.create(admin, { owner: bob.projectId, visibility: 'private' });
    expect(byAdmin.owner).toBe(bob.projectId);
    expect(await ids(bob.token)).toContain(byAdmin.id);
  });
});

describe('image list: filters, sorting and pagination', async () => {
  const h = await imageHarness();
  let alice: Actor;
  const names: string[] = [];
  const tag = `t-${suffix()}`;

  beforeAll(async () => {
    alice = await h.ks.userOnProject('member', 'alice');
    for (let i = 0; i < 7; i++) {
      const name = `page-${i}-${suffix()}`;
      names.push(name);
      await h.create(alice.token, { name, tags: [tag], min_disk: i % 3, os_distro: i % 2 ? 'debian' : 'fedora' });
    }
  });

  it('walks every image once with marker and limit, following the next links', async () => {
    const seen: string[] = [];
    let url = `/images?tag=${tag}&limit=3&sort=name:asc`;
    for (let pages = 0; pages < 10; pages++) {
      const page = (await h.expectCall(200, 'GET', url, { token: alice.token })).body;
      seen.push(...page.images.map((i: { name: string }) => i.name));
      if (!page.next) break;
      expect(page.images).toHaveLength(3);
      url = page.next.replace(/^\/v2/, '');
    }
    expect(seen).toEqual([...names].sort());
  });

  it('sorts on several keys in either direction, and pages through ties in a stable order', async () => {
    const all = (q: string) =>
      h
        .expectCall(200, 'GET', `/images?tag=${tag}&${q}`, { token: alice.token })
        .then((r) => r.body.images as { name: string; min_disk: number }[]);
    const byDisk = await all('sort_key=min_disk&sort_dir=desc&sort_key=name&sort_dir=asc');
    const expected = names
      .map((n, i) => ({ name: n, min_disk: i % 3 }))
      .sort((a, b) => b.min_disk - a.min_disk || a.name.localeCompare(b.name));
    expect(byDisk.map((i) => i.name)).toEqual(expected.map((i) => i.name));

    const first = await all('sort=min_disk:asc&limit=2');
    const second = await all(`sort=min_disk:asc&limit=2&marker=${await idOf(first.at(-1)!.name)}`);
    const whole = await all('sort=min_disk:asc');
    expect([...first, ...second].map((i) => i.name)).toEqual(whole.slice(0, 4).map((i) => i.name));
  });

  it('filters on name, tag, property and size', async () => {
    const list = (q: string) =>
      h.expectCall(200, 'GET', `/images?${q}`, { token: alice.token }).then((r) => r.body.images as { name: string }[]);
    expect((await list(`name=${names[2]}`)).map((i) => i.name)).toEqual([names[2]]);
    expect(await list(`tag=${tag}&os_distro=debian`)).toHaveLength(3);
    expect(await list(`tag=${tag}&tag=nope`)).toEqual([]);
    expect(await list(`tag=${tag}&size_min=1`)).toEqual([]);
  });

  it('adds and removes single tags by URL, and answers 404 for a tag the image lacks', async () => {
    const image = await h.create(alice.token, { tags: ['a'] });
    await h.expectCall(204, 'PUT', `/images/${image.id}/tags/b`, { token: alice.token });
    await h.expectCall(204, 'PUT', `/images/${image.id}/tags/b`, { token: alice.token });
    await h.expectCall(204, 'DELETE', `/images/${image.id}/tags/a`, { token: alice.token });
    expect((await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body.tags).toEqual(['b']);
    expect((await h.call('DELETE', `/images/${image.id}/tags/a`, { token: alice.token })).status).toBe(404);
  });

  it('returns 400 for a marker that names no image the caller can see, as Glance does', async () => {
    const r = await h.call('GET', `/images?marker=2f3c2c1a-0000-4000-8000-000000000000`, { token: alice.token });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/Invalid marker/);
  });

  const idOf = async (name: string) =>
    (await h.expectCall(200, 'GET', `/images?name=${name}`, { token: alice.token })).body.images[0].id as string;
});
