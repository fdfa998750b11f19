import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startComputeAgent } from '../../../../../agents/compute/compute-agent';
import { makeDriver } from '../../../../../agents/compute/make-driver';
import { MemoryBus } from '../../../../rpc/memory-bus';
import { computeClient } from '../../../../../tests/helpers/compute-client';
import { onFileEnd } from '../../../../../tests/helpers/file-cleanup';
import { identityClient, suffix, waitUntil, type Actor } from '../../../../../tests/helpers/identity-client';
import { uploadImage, waitForGone, waitForStatus } from '../../../../../tests/helpers/server-fixtures';
import { startTestStack, type RunningTestStack } from '../../../../../tests/helpers/stack';

/**
 * os-server-groups: the API per microversion, the project's quotas, and the scheduler keeping a group's servers on
 * one host (affinity) or on different hosts (anti-affinity) across two simulated hosts.
 */
describe('server groups', () => {
  let stack: RunningTestStack;
  let nova: ReturnType<typeof computeClient>;
  let alice: Actor;
  let bob: Actor;
  let adminToken: string;
  let imageId: string;
  let keystone: ReturnType<typeof identityClient>;

  beforeAll(async () => {
    stack = await startTestStack({ COMPUTE_DRIVER: 'test', COMPUTE_HOST: 'host-a' });
    nova = computeClient(stack);
    keystone = identityClient(stack);
    ({ alice, bob } = await keystone.twoProjects());
    adminToken = await keystone.admin();
    imageId = (await uploadImage(stack, adminToken, { visibility: 'public', bytes: 4096 })).id;
    // a second host in this process, on the control plane's in-process bus
    const bus = new MemoryBus({ prefix: 'cumulo' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-groups-'));
    const stateDir = path.join(dir, 'host-b');
    const agent = await startComputeAgent({
      host: 'host-b',
      bus,
      stateDir,
      driver: makeDriver('test', { host: 'host-b', stateDir }),
    });
    onFileEnd(async () => {
      await bus.close();
      await agent.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await waitUntil(
      'two compute hosts up',
      async () => (await nova.call('GET', '/os-hypervisors', { token: adminToken })).body.hypervisors?.length === 2,
      30_000,
      200,
    );
  });

  const create = (token: string, group: Record<string, unknown>, version = '2.64') =>
    nova.call('POST', '/os-server-groups', {
      token,
      version,
      body: { server_group: { name: `g-${suffix()}`, ...group } },
    });
  const boot = (token: string, groupId: string, name = `s-${suffix()}`) =>
    nova.call('POST', '/servers', {
      token,
      body: { server: { name, imageRef: imageId, flavorRef: '42' }, 'os:scheduler_hints': { group: groupId } },
    });
  const hostOf = async (id: string) =>
    (await nova.call('GET', `/servers/${id}`, { token: adminToken })).body.server['OS-EXT-SRV-ATTR:host'];
  const bootActive = async (token: string, groupId: string) => {
    const r = await boot(token, groupId);
    expect(r.status, r.text).toBe(202);
    await waitForStatus(nova, token, r.body.server.id, 'ACTIVE');
    return r.body.server.id as string;
  };

  it('creates, shows, lists and deletes a group, shaped per microversion', async () => {
    const r = await create(alice.token, { policy: 'anti-affinity', rules: { max_server_per_host: '2' } });
    expect(r.status, r.text).toBe(200);
    const g = r.body.server_group;
    expect(g).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: expect.any(String),
      policy: 'anti-affinity',
      rules: { max_server_per_host: 2 },
      members: [],
      project_id: alice.projectId,
      user_id: alice.id,
    });
    // before 2.64: `policies` and an empty `metadata`; before 2.13: no owner fields
    const old = await nova.call('GET', `/os-server-groups/${g.id}`, { token: alice.token, version: '2.13' });
    expect(old.body.server_group).toEqual({
      id: g.id,
      name: g.name,
      policies: ['anti-affinity'],
      metadata: {},
      members: [],
      project_id: alice.projectId,
      user_id: alice.id,
    });
    const base = await nova.call('GET', `/os-server-groups/${g.id}`, { token: alice.token });
    expect(Object.keys(base.body.server_group).sort()).toEqual(['id', 'members', 'metadata', 'name', 'policies']);

    const legacy = await create(alice.token, { policies: ['soft-affinity'] }, '2.15');
    expect(legacy.status, legacy.text).toBe(200);
    expect(legacy.body.server_group.policies).toEqual(['soft-affinity']);

    const list = await nova.call('GET', '/os-server-groups', { token: alice.token, version: '2.64' });
    expect(list.body.server_groups.map((x: { id: string }) => x.id)).toEqual([g.id, legacy.body.server_group.id]);
    const paged = await nova.call('GET', '/os-server-groups?limit=1&offset=1', { token: alice.token });
    expect(paged.body.server_groups.map((x: { id: string }) => x.id)).toEqual([legacy.body.server_group.id]);
    expect((await nova.call('GET', '/os-server-groups?bogus=1', { token: alice.token, version: '2.75' })).status).toBe(
      400,
    );
    expect((await nova.call('GET', '/os-server-groups?bogus=1', { token: alice.token, version: '2.74' })).status).toBe(
      200,
    );

    for (const id of [g.id, legacy.body.server_group.id])
      await nova.expectCall(204, 'DELETE', `/os-server-groups/${id}`, { token: alice.token });
    const gone = await nova.call('GET', `/os-server-groups/${g.id}`, { token: alice.token });
    expect(gone.status).toBe(404);
    expect(gone.body.itemNotFound.message).toBe(`Instance group ${g.id} could not be found.`);
  });

  it('refuses bad groups with a 400 naming the problem', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ policy: 'affinity', rules: { max_server_per_host: 2 } }, '2.64', /Only anti-affinity policy supports rules/],
      [{ policy: 'anti-affinity', rules: { max_server_per_host: 0 } }, '2.64', /max_server_per_host/],
      [{ policy: 'anti-affinity', rules: { unknown_key: '3' } }, '2.64', /unknown_key/],
      [{ policy: 'spread' }, '2.64', /policy/],
      [{ policies: ['affinity'] }, '2.64', /'policy' is a required property/],
      [{ policy: 'affinity' }, '2.63', /'policies' is a required property/],
      [{ policies: ['soft-affinity'] }, '2.14', /policies/],
      [{ policies: ['affinity', 'anti-affinity'] }, '2.15', /policies/],
      [{ policies: [] }, '2.1', /policies/],
      [{ policies: ['affinity'], name: '' }, '2.1', /name/],
      [{ policies: ['affinity'], name: ' padded' }, '2.1', /whitespace/],
    ];
    for (const [group, version, message] of cases) {
      const r = await create(alice.token, group, version);
      expect(r.status, `${version} ${JSON.stringify(group)}: ${r.text}`).toBe(400);
      expect(r.body.badRequest.message).toMatch(message);
    }
  });

  it('keeps groups to their project: another project gets 404, all_projects is for admins only', async () => {
    const g = (await create(alice.token, { policy: 'affinity' })).body.server_group;
    expect((await nova.call('GET', `/os-server-groups/${g.id}`, { token: bob.token })).status).toBe(404);
    expect((await nova.call('DELETE', `/os-server-groups/${g.id}`, { token: bob.token })).status).toBe(404);
    const bobs = await nova.call('GET', '/os-server-groups?all_projects=True', { token: bob.token });
    expect(bobs.status).toBe(200);
    expect(bobs.body.server_groups.map((x: { id: string }) => x.id)).not.toContain(g.id);
    // a boot into another project's group is a bad request, as Nova answers it
    const r = await boot(bob.token, g.id);
    expect(r.status).toBe(400);
    expect(r.body.badRequest.message).toMatch(/Invalid server group/);

    const admins = await nova.call('GET', '/os-server-groups?all_projects=1', { token: adminToken, version: '2.13' });
    expect(admins.body.server_groups).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: g.id, project_id: alice.projectId })]),
    );
    const adminOwn = await nova.call('GET', '/os-server-groups', { token: adminToken });
    expect(adminOwn.body.server_groups.map((x: { id: string }) => x.id)).not.toContain(g.id);
    expect((await nova.call('GET', `/os-server-groups/${g.id}`, { token: adminToken })).status).toBe(200);

    // a reader may look but not change
    const reader = await keystone.userOnProject('reader', 'reader');
    expect((await create(reader.token, { policy: 'affinity' })).status).toBe(403);
    expect((await nova.call('GET', '/os-server-groups', { token: reader.token })).status).toBe(200);
    await nova.expectCall(204, 'DELETE', `/os-server-groups/${g.id}`, { token: adminToken });
  });

  it('counts groups against server_groups and members against server_group_members', async () => {
    const carol = await keystone.userOnProject('member', 'carol');
    await nova.expectCall(200, 'PUT', `/os-quota-sets/${carol.projectId}`, {
      token: adminToken,
      body: { quota_set: { server_groups: 1, server_group_members: 1 } },
    });
    const g = (await create(carol.token, { policy: 'soft-anti-affinity' })).body.server_group;
    const over = await create(carol.token, { policy: 'affinity' });
    expect(over.status).toBe(403);
    expect(over.body.forbidden.message).toBe('Quota exceeded, too many server groups.');
    const limits = await nova.call('GET', '/limits', { token: carol.token });
    expect(limits.body.limits.absolute).toMatchObject({
      maxServerGroups: 1,
      totalServerGroupsUsed: 1,
      maxServerGroupMembers: 1,
    });

    const first = await bootActive(carol.token, g.id);
    const shown = await nova.call('GET', `/os-server-groups/${g.id}`, { token: carol.token });
    expect(shown.body.server_group.members).toEqual([first]);
    const second = await boot(carol.token, g.id);
    expect(second.status).toBe(403);
    expect(second.body.forbidden.message).toBe('Quota exceeded, too many servers in group');

    await nova.expectCall(204, 'DELETE', `/servers/${first}`, { token: carol.token });
    await waitUntil(
      'member gone',
      async () =>
        (await nova.call('GET', `/os-server-groups/${g.id}`, { token: carol.token })).body.server_group.members
          .length === 0,
      30_000,
      100,
    );
    await nova.expectCall(204, 'DELETE', `/os-server-groups/${g.id}`, { token: carol.token });
    expect((await nova.call('GET', '/limits', { token: carol.token })).body.limits.absolute.totalServerGroupsUsed).toBe(
      0,
    );
    expect((await create(carol.token, { policy: 'affinity' })).status).toBe(200);
  });

  it('puts the members of an affinity group on one host, though the RAM weigher would spread them', async () => {
    const g = (await create(alice.token, { policy: 'affinity' })).body.server_group;
    const a = await bootActive(alice.token, g.id);
    const b = await bootActive(alice.token, g.id);
    expect(await hostOf(b)).toBe(await hostOf(a));
    const shown = await nova.call('GET', `/os-server-groups/${g.id}`, { token: alice.token });
    expect(shown.body.server_group.members).toEqual([a, b]);
    for (const id of [a, b]) await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
  }, 90_000);

  it('puts the members of an anti-affinity group on different hosts, and a third of two hosts in ERROR with No valid host', async () => {
    const g = (await create(alice.token, { policy: 'anti-affinity' })).body.server_group;
    const a = await bootActive(alice.token, g.id);
    const b = await bootActive(alice.token, g.id);
    expect(new Set([await hostOf(a), await hostOf(b)])).toEqual(new Set(['host-a', 'host-b']));
    const c = await boot(alice.token, g.id);
    expect(c.status).toBe(202);
    const failed = await waitForStatus(nova, alice.token, c.body.server.id, 'ERROR');
    expect(failed.fault.message).toMatch(/^No valid host was found/);
    for (const id of [a, b, c.body.server.id])
      await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
  }, 90_000);

  it('spreads the members of an anti-affinity group booted in one request (scheduled concurrently) over different hosts', async () => {
    const g = (await create(alice.token, { policy: 'anti-affinity' })).body.server_group;
    for (let round = 0; round < 3; round++) {
      const r = await nova.call('POST', '/servers', {
        token: alice.token,
        body: {
          server: { name: `pair-${round}`, imageRef: imageId, flavorRef: '42', min_count: 2, max_count: 2 },
          'os:scheduler_hints': { group: g.id },
        },
      });
      expect(r.status, r.text).toBe(202);
      const members = (await nova.call('GET', `/servers/detail?name=pair-${round}`, { token: alice.token })).body
        .servers;
      expect(members).toHaveLength(2);
      const ids = members.map((m: { id: string }) => m.id);
      for (const id of ids) await waitForStatus(nova, alice.token, id, 'ACTIVE');
      expect(new Set([await hostOf(ids[0]), await hostOf(ids[1])])).toEqual(new Set(['host-a', 'host-b']));
      for (const id of ids) await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
      for (const id of ids) await waitForGone(nova, alice.token, id);
    }
  }, 120_000);
});
