import { beforeAll, describe, expect, it } from 'vitest';
import { computeClient } from '../../../../../tests/helpers/compute-client';
import { identityClient, suffix, type Actor } from '../../../../../tests/helpers/identity-client';
import { startTestStack } from '../../../../../tests/helpers/stack';

describe.concurrent('Nova flavors API: admin-only management, private flavors, extra specs', async () => {
  const stack = await startTestStack();
  const ks = identityClient(stack);
  const nova = computeClient(stack);
  let admin: string;
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    admin = await ks.admin();
    ({ alice, bob } = await ks.twoProjects());
  });

  const ids = async (token: string, query = '', version?: string) =>
    (
      (await nova.expectCall(200, 'GET', `/flavors/detail${query}`, { token, version })).body.flavors as {
        id: string;
      }[]
    ).map((f) => f.id);

  it('lets only admins create, describe, delete, set extra specs and share flavors: 403 for a member', async () => {
    const f = await nova.createFlavor(admin, { 'os-flavor-access:is_public': false });
    const body = { flavor: { name: `f-${suffix()}`, ram: 1, vcpus: 1, disk: 1 } };
    const calls: [string, string, unknown, string?][] = [
      ['POST', '/flavors', body],
      ['PUT', `/flavors/${f.id}`, { flavor: { description: 'd' } }, '2.55'],
      ['DELETE', `/flavors/${f.id}`, undefined],
      ['POST', `/flavors/${f.id}/os-extra_specs`, { extra_specs: { a: 'b' } }],
      ['PUT', `/flavors/${f.id}/os-extra_specs/a`, { a: 'b' }],
      ['DELETE', `/flavors/${f.id}/os-extra_specs/a`, undefined],
      ['GET', `/flavors/${f.id}/os-flavor-access`, undefined],
      ['POST', `/flavors/${f.id}/action`, { addTenantAccess: { tenant: alice.projectId } }],
      ['POST', `/flavors/${f.id}/action`, { removeTenantAccess: { tenant: alice.projectId } }],
    ];
    for (const [method, path, b, version] of calls) {
      const r = await nova.call(method, path, { token: alice.token, body: b, version });
      expect({ method, path, status: r.status }).toEqual({ method, path, status: 403 });
      expect(r.body.forbidden.code).toBe(403);
    }
    expect((await nova.call('GET', `/flavors/${f.id}`, { token: admin })).status).toBe(200);
  });

  it('keeps a private flavor to the projects it was shared with: 404 for the others', async () => {
    const f = await nova.createFlavor(admin, { 'os-flavor-access:is_public': false });
    expect(f['os-flavor-access:is_public']).toBe(false);
    expect(await ids(alice.token)).not.toContain(f.id);
    expect((await nova.call('GET', `/flavors/${f.id}`, { token: alice.token })).status).toBe(404);

    const added = await nova.expectCall(200, 'POST', `/flavors/${f.id}/action`, {
      token: admin,
      body: { addTenantAccess: { tenant: alice.projectId } },
    });
    expect(added.body).toEqual({ flavor_access: [{ flavor_id: f.id, tenant_id: alice.projectId }] });
    expect(await ids(alice.token)).toContain(f.id);
    expect((await nova.call('GET', `/flavors/${f.id}`, { token: alice.token })).status).toBe(200);
    expect((await nova.call('GET', `/flavors/${f.id}/os-extra_specs`, { token: alice.token })).status).toBe(200);
    // bob's project was given nothing
    expect(await ids(bob.token)).not.toContain(f.id);
    const hidden = await nova.call('GET', `/flavors/${f.id}`, { token: bob.token });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ itemNotFound: { code: 404, message: `Flavor ${f.id} could not be found.` } });
    expect((await nova.call('GET', `/flavors/${f.id}/os-extra_specs`, { token: bob.token })).status).toBe(404);
    expect((await nova.call('GET', `/flavors/${f.id}/os-extra_specs/x`, { token: bob.token })).status).toBe(404);

    const list = await nova.expectCall(200, 'GET', `/flavors/${f.id}/os-flavor-access`, { token: admin });
    expect(list.body.flavor_access).toEqual([{ flavor_id: f.id, tenant_id: alice.projectId }]);
    const dup = await nova.call('POST', `/flavors/${f.id}/action`, {
      token: admin,
      body: { addTenantAccess: { tenant: alice.projectId } },
    });
    expect(dup.status).toBe(409);

    const removed = await nova.expectCall(200, 'POST', `/flavors/${f.id}/action`, {
      token: admin,
      body: { removeTenantAccess: { tenant: alice.projectId } },
    });
    expect(removed.body).toEqual({ flavor_access: [] });
    expect((await nova.call('GET', `/flavors/${f.id}`, { token: alice.token })).status).toBe(404);
    const again = await nova.call('POST', `/flavors/${f.id}/action`, {
      token: admin,
      body: { removeTenantAccess: { tenant: alice.projectId } },
    });
    expect(again.status).toBe(404);
  });

  it('has no access list for a public flavor, and refuses sharing one from 2.7', async () => {
    const f = await nova.createFlavor(admin);
    const list = await nova.call('GET', `/flavors/${f.id}/os-flavor-access`, { token: admin });
    expect(list.status).toBe(404);
    expect(list.body.itemNotFound.message).toBe('Access list not available for public flavors.');
    const add = await nova.call('POST', `/flavors/${f.id}/action`, {
      token: admin,
      version: '2.7',
      body: { addTenantAccess: { tenant: alice.projectId } },
    });
    expect(add.status).toBe(409);
    expect(add.body.conflictingRequest.message).toBe('Can not add access to a public flavor.');
    // before 2.7 Nova records the (moot) share
    const early = await nova.call('POST', `/flavors/${f.id}/action`, {
      token: admin,
      version: '2.6',
      body: { addTenantAccess: { tenant: alice.projectId } },
    });
    expect(early.status).toBe(200);
    const unknown = await nova.call('POST', `/flavors/${f.id}/action`, { token: admin, body: { frobnicate: {} } });
    expect(unknown.status).toBe(400);
    const noTenant = await nova.call('POST', `/flavors/${f.id}/action`, {
      token: admin,
      body: { addTenantAccess: {} },
    });
    expect(noTenant.status).toBe(400);
  });

  it('manages extra specs: create, update, show one, delete one', async () => {
    const f = await nova.createFlavor(admin);
    const specs = `/flavors/${f.id}/os-extra_specs`;
    const set = await nova.expectCall(200, 'POST', specs, {
      token: admin,
      body: { extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': 512 } },
    });
    expect(set.body).toEqual({ extra_specs: { 'hw:cpu_policy': 'dedicated', 'quota:cpu_shares': '512' } });
    await nova.expectCall(200, 'POST', specs, { token: admin, body: { extra_specs: { 'hw:mem_page_size': 'large' } } });
    expect((await nova.expectCall(200, 'GET', specs, { token: alice.token })).body.extra_specs).toEqual({
      'hw:cpu_policy': 'dedicated',
      'quota:cpu_shares': '512',
      'hw:mem_page_size': 'large',
    });
    expect((await nova.expectCall(200, 'GET', `${specs}/hw:cpu_policy`, { token: alice.token })).body).toEqual({
      'hw:cpu_policy': 'dedicated',
    });
    const put = await nova.expectCall(200, 'PUT', `${specs}/hw:cpu_policy`, {
      token: admin,
      body: { 'hw:cpu_policy': 'shared' },
    });
    expect(put.body).toEqual({ 'hw:cpu_policy': 'shared' });
    const mismatch = await nova.call('PUT', `${specs}/hw:cpu_policy`, { token: admin, body: { other: 'x' } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.badRequest.message).toBe('Request body and URI mismatch');
    expect((await nova.call('PUT', `${specs}/a`, { token: admin, body: { a: 'x', b: 'y' } })).status).toBe(400);
    expect((await nova.call('POST', specs, { token: admin, body: { extra_specs: { 'bad/key': 'x' } } })).status).toBe(
      400,
    );
    expect(
      (await nova.call('POST', specs, { token: admin, body: { extra_specs: { k: 'v'.repeat(256) } } })).status,
    ).toBe(400);
    expect((await nova.call('POST', specs, { token: admin, body: { specs: {} } })).status).toBe(400);

    const deleted = await nova.call('DELETE', `${specs}/hw:mem_page_size`, { token: admin });
    expect([deleted.status, deleted.text]).toEqual([200, '']);
    const gone = await nova.call('GET', `${specs}/hw:mem_page_size`, { token: admin });
    expect(gone.status).toBe(404);
    expect(gone.body.itemNotFound.message).toBe(`Flavor ${f.id} has no extra specs with key hw:mem_page_size.`);
    expect((await nova.call('DELETE', `${specs}/hw:mem_page_size`, { token: admin })).status).toBe(404);
    const shown = await nova.expectCall(200, 'GET', `/flavors/${f.id}`, { token: admin, version: '2.61' });
    expect(shown.body.flavor.extra_specs).toEqual({ 'hw:cpu_policy': 'shared', 'quota:cpu_shares': '512' });
    expect((await nova.call('GET', `/flavors/nope-${suffix()}/os-extra_specs`, { token: admin })).status).toBe(404);
  });

  it('keeps concurrent extra spec writes: each key lands', async () => {
    const f = await nova.createFlavor(admin);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        nova.expectCall(200, 'POST', `/flavors/${f.id}/os-extra_specs`, {
          token: admin,
          body: { extra_specs: { [`k${i}`]: 'v' } },
        }),
      ),
    );
    const all = await nova.expectCall(200, 'GET', `/flavors/${f.id}/os-extra_specs`, { token: admin });
    expect(Object.keys(all.body.extra_specs).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `k${i}`));
  });
});
