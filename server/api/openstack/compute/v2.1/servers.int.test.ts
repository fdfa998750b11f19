import { beforeAll, describe, expect, it } from 'vitest';
import { computeClient } from '../../../../../tests/helpers/compute-client';
import { identityClient, type Actor } from '../../../../../tests/helpers/identity-client';
import { uploadImage, waitForGone, waitForStatus } from '../../../../../tests/helpers/server-fixtures';
import { startTestStack, type RunningTestStack } from '../../../../../tests/helpers/stack';

/**
 * The whole path of a server inside one control plane with its own compute host on libvirt's test hypervisor:
 * API → scheduler → compute agent → libvirt → conductor → API, over the in-process bus.
 */
describe('servers on a test-hypervisor host', () => {
  let stack: RunningTestStack;
  let nova: ReturnType<typeof computeClient>;
  let alice: Actor;
  let bob: Actor;
  let imageId: string;
  let adminToken: string;

  beforeAll(async () => {
    stack = await startTestStack({ COMPUTE_DRIVER: 'test', COMPUTE_HOST: 'host-a' });
    nova = computeClient(stack);
    const keystone = identityClient(stack);
    ({ alice, bob } = await keystone.twoProjects());
    adminToken = await keystone.admin();
    imageId = (await uploadImage(stack, adminToken, { visibility: 'public' })).id;
  });

  const boot = (token: string, server: Record<string, unknown> = {}) =>
    nova.call('POST', '/servers', {
      token,
      body: { server: { name: 'web-1', imageRef: imageId, flavorRef: '42', ...server } },
    });

  it('boots a server to ACTIVE on the host, shows its console, and deletes it leaving nothing', async () => {
    const r = await boot(alice.token);
    expect(r.status).toBe(202);
    const id = r.body.server.id as string;
    expect(r.body.server.adminPass).toEqual(expect.any(String));
    const server = await waitForStatus(nova, alice.token, id, 'ACTIVE');
    expect(server).toMatchObject({
      name: 'web-1',
      tenant_id: alice.projectId,
      'OS-EXT-STS:vm_state': 'active',
      'OS-EXT-STS:power_state': 1,
    });
    expect(server.flavor).toMatchObject({ original_name: 'm1.nano', vcpus: 1, ram: 128 });
    expect(server['OS-EXT-SRV-ATTR:host']).toBeUndefined();
    const asAdmin = await nova.call('GET', `/servers/${id}`, { token: adminToken });
    expect(asAdmin.body.server['OS-EXT-SRV-ATTR:host']).toBe('host-a');

    const console = await nova.call('POST', `/servers/${id}/action`, {
      token: alice.token,
      body: { 'os-getConsoleOutput': { length: 50 } },
    });
    expect(console.status).toBe(200);
    expect(console.body.output).toContain(id);

    const usage = await nova.call('GET', '/limits', { token: alice.token });
    expect(usage.body.limits.absolute).toMatchObject({ totalInstancesUsed: 1, totalCoresUsed: 1, totalRAMUsed: 128 });

    expect((await nova.call('DELETE', `/servers/${id}`, { token: alice.token })).status).toBe(204);
    await waitForGone(nova, alice.token, id);
    const after = await nova.call('GET', '/limits', { token: alice.token });
    expect(after.body.limits.absolute).toMatchObject({ totalInstancesUsed: 0, totalCoresUsed: 0, totalRAMUsed: 0 });
    const hv = await nova.call('GET', '/os-hypervisors/detail', { token: adminToken, version: '2.53' });
    const host = hv.body.hypervisors.find((h: { hypervisor_hostname: string }) => h.hypervisor_hostname === 'host-a');
    expect(host).toMatchObject({ vcpus_used: 0, memory_mb_used: 0, running_vms: 0 });
  });

  it('stops, starts, reboots, pauses and suspends a server, and answers 409 for an action its state forbids', async () => {
    const id = (await boot(alice.token, { name: 'power-1' })).body.server.id as string;
    await waitForStatus(nova, alice.token, id, 'ACTIVE');
    const act = (body: unknown) => nova.call('POST', `/servers/${id}/action`, { token: alice.token, body });

    expect((await act({ 'os-start': null })).status).toBe(409);
    expect((await act({ 'os-stop': null })).status).toBe(202);
    expect((await waitForStatus(nova, alice.token, id, 'SHUTOFF'))['OS-EXT-STS:power_state']).toBe(4);
    expect((await act({ 'os-start': null })).status).toBe(202);
    await waitForStatus(nova, alice.token, id, 'ACTIVE');
    expect((await act({ reboot: { type: 'HARD' } })).status).toBe(202);
    await waitForStatus(nova, alice.token, id, 'ACTIVE');
    expect((await act({ pause: null })).status).toBe(202);
    expect((await waitForStatus(nova, alice.token, id, 'PAUSED'))['OS-EXT-STS:power_state']).toBe(3);
    expect((await act({ unpause: null })).status).toBe(202);
    await waitForStatus(nova, alice.token, id, 'ACTIVE');
    expect((await act({ suspend: null })).status).toBe(202);
    await waitForStatus(nova, alice.token, id, 'SUSPENDED');
    expect((await act({ resume: null })).status).toBe(202);
    await waitForStatus(nova, alice.token, id, 'ACTIVE');

    const events = await nova.call('GET', `/servers/${id}/os-instance-actions`, { token: alice.token });
    expect(events.body.instanceActions.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['create', 'stop', 'start', 'reboot', 'pause', 'unpause', 'suspend', 'resume']),
    );
    const create = events.body.instanceActions.find((a: { action: string }) => a.action === 'create');
    const detail = await nova.call('GET', `/servers/${id}/os-instance-actions/${create.request_id}`, {
      token: alice.token,
    });
    expect(detail.body.instanceAction.events).toEqual([
      expect.objectContaining({ event: 'compute_build_and_run_instance', result: 'Success' }),
    ]);
    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
    await waitForGone(nova, alice.token, id);
  });

  it('resizes in place: VERIFY_RESIZE holds both sizes, confirm keeps the new one, revert brings the old one back', async () => {
    const id = (await boot(alice.token, { name: 'resize-1' })).body.server.id as string;
    await waitForStatus(nova, alice.token, id, 'ACTIVE');
    const act = (body: unknown) => nova.call('POST', `/servers/${id}/action`, { token: alice.token, body });
    const hostUse = async () => {
      const hv = await nova.call('GET', '/os-hypervisors/detail', { token: adminToken, version: '2.53' });
      return hv.body.hypervisors.find((h: { hypervisor_hostname: string }) => h.hypervisor_hostname === 'host-a')
        .memory_mb_used;
    };
    const ram = async () =>
      (await nova.call('GET', '/limits', { token: alice.token })).body.limits.absolute.totalRAMUsed;

    expect((await act({ resize: { flavorRef: '42' } })).body.badRequest.message).toMatch(/must change flavor/);
    expect((await act({ resize: { flavorRef: '84' } })).status).toBe(202);
    const resized = await waitForStatus(nova, alice.token, id, 'VERIFY_RESIZE');
    expect(resized.flavor).toMatchObject({ original_name: 'm1.micro', ram: 192 });
    expect(await hostUse()).toBe(128 + 192);
    expect(await ram()).toBe(192);
    expect((await act({ confirmResize: null })).status).toBe(202);
    expect((await waitForStatus(nova, alice.token, id, 'ACTIVE')).flavor).toMatchObject({ original_name: 'm1.micro' });
    expect(await hostUse()).toBe(192);

    expect((await act({ resize: { flavorRef: '1' } })).status).toBe(202);
    await waitForStatus(nova, alice.token, id, 'VERIFY_RESIZE');
    expect(await ram()).toBe(512);
    expect((await act({ revertResize: null })).status).toBe(202);
    expect((await waitForStatus(nova, alice.token, id, 'ACTIVE')).flavor).toMatchObject({
      original_name: 'm1.micro',
      ram: 192,
    });
    expect(await hostUse()).toBe(192);
    expect(await ram()).toBe(192);

    expect((await act({ rebuild: { imageRef: imageId } })).status).toBe(202);
    await waitForStatus(nova, alice.token, id, 'ACTIVE');
    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
    await waitForGone(nova, alice.token, id);
    expect(await hostUse()).toBe(0);
    expect(await ram()).toBe(0);
  });

  it('keeps servers to their project: another project gets 404 on each of them', async () => {
    const id = (await boot(alice.token, { name: 'private-1' })).body.server.id as string;
    await waitForStatus(nova, alice.token, id, 'ACTIVE');
    for (const [method, path, body] of [
      ['GET', `/servers/${id}`, undefined],
      ['PUT', `/servers/${id}`, { server: { name: 'x' } }],
      ['POST', `/servers/${id}/action`, { 'os-stop': null }],
      ['POST', `/servers/${id}/action`, { 'os-getConsoleOutput': {} }],
      ['GET', `/servers/${id}/os-instance-actions`, undefined],
      ['DELETE', `/servers/${id}`, undefined],
    ] as const) {
      expect((await nova.call(method, path, { token: bob.token, body })).status, `${method} ${path}`).toBe(404);
    }
    const list = await nova.call('GET', '/servers/detail', { token: bob.token });
    expect(list.body.servers.map((s: { id: string }) => s.id)).not.toContain(id);
    const all = await nova.call('GET', '/servers?all_tenants=1', { token: bob.token });
    expect(all.body.servers.map((s: { id: string }) => s.id)).not.toContain(id);
    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
  });

  it('refuses bad boot requests with a 400 naming the problem, and records nothing', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ flavorRef: 'no-such-flavor' }, /Flavor no-such-flavor could not be found/],
      [
        { imageRef: '00000000-0000-4000-8000-000000000000' },
        /Image 00000000-0000-4000-8000-000000000000 could not be found/,
      ],
      [{ key_name: 'nope' }, /Invalid key_name provided/],
      [{ name: '' }, /name/],
      [{ name: ' padded ' }, /whitespace/],
      [{ user_data: 'A'.repeat(65_540) }, /user data must be at most 65535 bytes/],
      [{ user_data: 'not base64!!' }, /base64/],
      [{ metadata: { k: 'v'.repeat(256) } }, /metadata values must be at most 255/],
      [{ min_count: 3, max_count: 2 }, /min_count/],
      [{ availability_zone: 'nowhere' }, /availability zone is not available/],
    ];
    for (const [server, message] of cases) {
      const r = await boot(alice.token, { name: 'refused', ...server });
      expect(r.status, JSON.stringify(server)).toBe(400);
      expect(r.body.badRequest.message).toMatch(message);
    }
    expect((await nova.call('GET', '/servers?name=refused', { token: alice.token })).body.servers).toEqual([]);
  });

  it('answers 403 naming the quota when a boot would go over it, as Nova does', async () => {
    await nova.expectCall(200, 'PUT', `/os-quota-sets/${bob.projectId}`, {
      token: adminToken,
      body: { quota_set: { instances: 1 } },
    });
    const first = await boot(bob.token, { name: 'q-1' });
    expect(first.status).toBe(202);
    const second = await boot(bob.token, { name: 'q-2' });
    expect(second.status).toBe(403);
    expect(second.body.forbidden.message).toBe(
      'Quota exceeded for instances: Requested 1, but already used 1 of 1 instances',
    );
    await waitForStatus(nova, bob.token, first.body.server.id, 'ACTIVE');
    await nova.expectCall(204, 'DELETE', `/servers/${first.body.server.id}`, { token: bob.token });
  });
});
