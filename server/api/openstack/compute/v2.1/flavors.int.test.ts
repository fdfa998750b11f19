import { beforeAll, describe, expect, it } from 'vitest';
import { computeClient } from '../../../../../tests/helpers/compute-client';
import { identityClient, suffix, type Actor } from '../../../../../tests/helpers/identity-client';
import { startTestStack } from '../../../../../tests/helpers/stack';

describe.concurrent('Nova flavors API', async () => {
  const stack = await startTestStack();
  const ks = identityClient(stack);
  const nova = computeClient(stack);
  let admin: string;
  let alice: Actor;

  beforeAll(async () => {
    admin = await ks.admin();
    alice = await ks.userOnProject('member', 'alice');
  });

  const ids = async (token: string, query = '', version?: string) =>
    (
      (await nova.expectCall(200, 'GET', `/flavors/detail${query}`, { token, version })).body.flavors as {
        id: string;
      }[]
    ).map((f) => f.id);

  it('creates a flavor and shows it as Nova does at 2.1, 2.55, 2.61 and 2.75', async () => {
    const name = `f-${suffix()}`;
    const created = await nova.createFlavor(admin, {
      name,
      ram: 512,
      vcpus: 2,
      disk: 10,
      'OS-FLV-EXT-DATA:ephemeral': 5,
      rxtx_factor: 2.5,
    });
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name,
      ram: 512,
      disk: 10,
      swap: '',
      'OS-FLV-EXT-DATA:ephemeral': 5,
      'OS-FLV-DISABLED:disabled': false,
      vcpus: 2,
      'os-flavor-access:is_public': true,
      rxtx_factor: 2.5,
      links: [
        { rel: 'self', href: `${nova.base}/flavors/${created.id}` },
        { rel: 'bookmark', href: `${nova.root}/flavors/${created.id}` },
      ],
    });
    const shown = async (version: string) =>
      (await nova.expectCall(200, 'GET', `/flavors/${created.id}`, { token: alice.token, version })).body.flavor;
    expect(await shown('2.1')).toEqual(created);
    expect(await shown('2.55')).toMatchObject({ description: null });
    expect(await shown('2.55')).not.toHaveProperty('extra_specs');
    expect(await shown('2.61')).toMatchObject({ description: null, extra_specs: {} });
    expect((await shown('2.75')).swap).toBe(0);

    const brief = await nova.expectCall(200, 'GET', '/flavors', { token: alice.token });
    expect(brief.body.flavors).toContainEqual({ id: created.id, name, links: created.links });
    const brief255 = await nova.expectCall(200, 'GET', '/flavors', { token: alice.token, version: '2.55' });
    expect(brief255.body.flavors).toContainEqual({ id: created.id, name, description: null, links: created.links });
  });

  it('takes a given id (string or number), sizes as digit strings, and a description from 2.55', async () => {
    const id = `id-${suffix()}`;
    const f = await nova.createFlavor(
      admin,
      { id, ram: '256', vcpus: '1', disk: '0', swap: 128, description: 'small' },
      { version: '2.55' },
    );
    expect(f).toMatchObject({ id, ram: 256, vcpus: 1, disk: 0, swap: 128, description: 'small' });
    const num = Math.floor(Math.random() * 1e9) + 1000;
    expect((await nova.createFlavor(admin, { id: num })).id).toBe(String(num));
    // before 2.55 a description is an unknown property
    const early = await nova.call('POST', '/flavors', {
      token: admin,
      body: { flavor: { name: `f-${suffix()}`, ram: 1, vcpus: 1, disk: 0, description: 'x' } },
    });
    expect(early.status).toBe(400);
    expect(early.body.badRequest.message).toMatch(/description/);
  });

  it.each([
    ['no ram', { vcpus: 1, disk: 1 }, /ram/],
    ['ram 0', { ram: 0, vcpus: 1, disk: 1 }, /ram/],
    ['vcpus 0', { ram: 1, vcpus: 0, disk: 1 }, /vcpus/],
    ['negative disk', { ram: 1, vcpus: 1, disk: -1 }, /disk/],
    ['a fractional ram', { ram: 1.5, vcpus: 1, disk: 1 }, /ram/],
    ['an unknown property', { ram: 1, vcpus: 1, disk: 1, colour: 'red' }, /colour/],
    ['a name with a leading space', { name: ' x', ram: 1, vcpus: 1, disk: 1 }, /name/],
    ['an empty name', { name: '', ram: 1, vcpus: 1, disk: 1 }, /name/],
    ['a 256-character name', { name: 'n'.repeat(256), ram: 1, vcpus: 1, disk: 1 }, /name/],
    ['an id with a slash', { id: 'a/b', ram: 1, vcpus: 1, disk: 1 }, /id/],
    ['rxtx_factor 0', { ram: 1, vcpus: 1, disk: 1, rxtx_factor: 0 }, /rxtx_factor/],
    ['is_public as a string', { ram: 1, vcpus: 1, disk: 1, 'os-flavor-access:is_public': 'maybe' }, /is_public/],
  ])('refuses a flavor with %s: 400 naming the field', async (_what, flavor, field) => {
    const r = await nova.call('POST', '/flavors', {
      token: admin,
      body: { flavor: { name: `f-${suffix()}`, ...flavor } },
    });
    expect(r.status).toBe(400);
    expect(r.body.badRequest).toEqual({ code: 400, message: expect.stringMatching(field) });
  });

  it('refuses a duplicate name or id with 409', async () => {
    const f = await nova.createFlavor(admin);
    const again = await nova.call('POST', '/flavors', {
      token: admin,
      body: { flavor: { name: f.name, ram: 1, vcpus: 1, disk: 1 } },
    });
    expect(again.status).toBe(409);
    expect(again.body.conflictingRequest.message).toBe(`Flavor with name ${f.name} already exists.`);
    const sameId = await nova.call('POST', '/flavors', {
      token: admin,
      body: { flavor: { name: `f-${suffix()}`, id: f.id, ram: 1, vcpus: 1, disk: 1 } },
    });
    expect(sameId.status).toBe(409);
    expect(sameId.body.conflictingRequest.message).toBe(`Flavor with ID ${f.id} already exists.`);
  });

  it('filters by is_public for admins only, and by minRam and minDisk', async () => {
    const tag = Math.floor(Math.random() * 1e6) + 50_000_000;
    const pub = await nova.createFlavor(admin, { ram: tag, disk: tag });
    const priv = await nova.createFlavor(admin, { ram: tag + 1, disk: tag, 'os-flavor-access:is_public': false });
    // an admin's default is the public ones (plus those shared with the admin's project), as Nova's
    expect(await ids(admin, `?minRam=${tag}&minDisk=${tag}`)).toEqual([pub.id]);
    expect((await ids(admin, `?minRam=${tag}&minDisk=${tag}&is_public=none`)).sort()).toEqual([pub.id, priv.id].sort());
    expect(await ids(admin, `?minRam=${tag}&minDisk=${tag}&is_public=false`)).toEqual([priv.id]);
    expect(await ids(admin, `?minRam=${tag}&minDisk=${tag}&is_public=true`)).toEqual([pub.id]);
    // a member asking for everything still gets only what it may use
    expect(await ids(alice.token, `?minRam=${tag}&minDisk=${tag}&is_public=none`)).toEqual([pub.id]);
    expect(await ids(admin, `?minRam=${tag + 1}&minDisk=${tag}&is_public=none`)).toEqual([priv.id]);
    expect(await ids(admin, `?minDisk=${tag + 1}&is_public=none`)).toEqual([]);

    const bad = await nova.call('GET', '/flavors?is_public=maybe', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.badRequest.message).toBe('Invalid is_public filter [maybe]');
    expect((await nova.call('GET', '/flavors?minRam=lots', { token: admin })).body.badRequest.message).toBe(
      'Invalid minRam filter [lots]',
    );
    expect((await nova.call('GET', '/flavors?minDisk=-x', { token: admin })).status).toBe(400);
  });

  it('sorts and pages with sort_key, sort_dir, limit and marker, linking the next page', async () => {
    // far above the filter test's sizes, so neither sees the other's flavors
    const ram = Math.floor(Math.random() * 1e6) + 1_000_000_000;
    const made = [];
    for (const vcpus of [3, 1, 2])
      made.push(await nova.createFlavor(admin, { ram, vcpus, id: `sort-${vcpus}-${suffix()}` }));
    const byVcpus = [...made].sort((a, b) => (a.vcpus as number) - (b.vcpus as number)).map((f) => f.id);
    expect(await ids(alice.token, `?minRam=${ram}&sort_key=vcpus`)).toEqual(byVcpus);
    expect(await ids(alice.token, `?minRam=${ram}&sort_key=vcpus&sort_dir=desc`)).toEqual([...byVcpus].reverse());
    expect(await ids(alice.token, `?minRam=${ram}`)).toEqual([...byVcpus].sort());

    const first = await nova.expectCall(200, 'GET', `/flavors?minRam=${ram}&sort_key=vcpus&limit=2`, {
      token: alice.token,
    });
    expect(first.body.flavors.map((f: { id: string }) => f.id)).toEqual(byVcpus.slice(0, 2));
    const [link] = first.body.flavors_links;
    expect(link.rel).toBe('next');
    expect(link.href).toMatch(new RegExp(`^${nova.base}/flavors\\?`));
    expect(new URL(link.href).searchParams.get('marker')).toBe(byVcpus[1]);
    const rest = await nova.expectCall(200, 'GET', link.href, { token: alice.token });
    expect(rest.body.flavors.map((f: { id: string }) => f.id)).toEqual(byVcpus.slice(2));
    expect(rest.body).not.toHaveProperty('flavors_links');

    // following the links one at a time, in each sort order, visits every flavor once
    for (const sort of ['name', 'description', 'memory_mb', 'created_at']) {
      for (const dir of ['asc', 'desc']) {
        const seen: string[] = [];
        let next: string | undefined = `/flavors?minRam=${ram}&sort_key=${sort}&sort_dir=${dir}&limit=1`;
        while (next) {
          const page: { body: { flavors: { id: string }[]; flavors_links?: { href: string }[] } } =
            await nova.expectCall(200, 'GET', next, { token: alice.token });
          seen.push(...page.body.flavors.map((f) => f.id));
          next = page.body.flavors_links?.[0]?.href;
        }
        expect({ sort, dir, seen: seen.sort() }).toEqual({ sort, dir, seen: [...byVcpus].sort() });
      }
    }

    expect((await nova.call('GET', '/flavors?sort_key=colour', { token: alice.token })).status).toBe(400);
    expect((await nova.call('GET', '/flavors?sort_dir=sideways', { token: alice.token })).status).toBe(400);
    expect((await nova.call('GET', '/flavors?limit=-1', { token: alice.token })).status).toBe(400);
    expect((await nova.call('GET', '/flavors?limit=many', { token: alice.token })).status).toBe(400);
    const marker = await nova.call('GET', '/flavors?marker=no-such-flavor', { token: alice.token });
    expect(marker.status).toBe(400);
    expect(marker.body.badRequest.message).toBe('marker [no-such-flavor] not found');
    expect((await nova.expectCall(200, 'GET', '/flavors?limit=0', { token: alice.token })).body).toEqual({
      flavors: [],
    });
    // 2.75 refuses query parameters it does not know; before, they are ignored
    expect((await nova.call('GET', '/flavors?colour=red', { token: alice.token })).status).toBe(200);
    expect((await nova.call('GET', '/flavors?colour=red', { token: alice.token, version: '2.75' })).status).toBe(400);
  });

  it('updates the description from 2.55 (before, PUT does not exist) and deletes with 202', async () => {
    const f = await nova.createFlavor(admin);
    expect(
      (await nova.call('PUT', `/flavors/${f.id}`, { token: admin, body: { flavor: { description: 'd' } } })).status,
    ).toBe(404);
    const put = await nova.expectCall(200, 'PUT', `/flavors/${f.id}`, {
      token: admin,
      version: '2.55',
      body: { flavor: { description: 'nice' } },
    });
    expect(put.body.flavor).toMatchObject({ id: f.id, description: 'nice' });
    const renamed = await nova.call('PUT', `/flavors/${f.id}`, {
      token: admin,
      version: '2.55',
      body: { flavor: { name: 'x' } },
    });
    expect(renamed.status).toBe(400);
    const missing = await nova.call('PUT', `/flavors/nope-${suffix()}`, {
      token: admin,
      version: '2.55',
      body: { flavor: { description: 'x' } },
    });
    expect(missing.status).toBe(404);

    const del = await nova.call('DELETE', `/flavors/${f.id}`, { token: admin });
    expect(del.status).toBe(202);
    expect(del.text).toBe('');
    expect((await nova.call('GET', `/flavors/${f.id}`, { token: admin })).status).toBe(404);
    expect((await nova.call('DELETE', `/flavors/${f.id}`, { token: admin })).status).toBe(404);
  });
});
