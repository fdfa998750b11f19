import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeClient } from '../../../../../tests/helpers/compute-client';
import { onFileEnd } from '../../../../../tests/helpers/file-cleanup';
import { identityClient, suffix, type Actor } from '../../../../../tests/helpers/identity-client';
import { startTestStack } from '../../../../../tests/helpers/stack';
import { createDb } from '../../../../db/client';
import type { TComputeNodeReport } from '../../../../services/compute/host.dto';
import { HostsService, legacyServiceId } from '../../../../services/compute/hosts.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOVA_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/;

describe.concurrent('Nova os-services, os-hypervisors and os-availability-zone', async () => {
  const stack = await startTestStack();
  const ks = identityClient(stack);
  const nova = computeClient(stack, { version: '2.90' });
  // hosts come in as the conductor brings them: through HostsService.recordReport, on the stack's database
  const db = createDb(stack.databaseUrl, { poolSize: 2 });
  onFileEnd(() => db.$disconnect());
  const hosts = new HostsService({ db });
  let admin: string;
  let alice: Actor;

  beforeAll(async () => {
    admin = await ks.admin();
    ({ alice } = await ks.twoProjects());
  });

  const report = (extra: Partial<TComputeNodeReport> = {}) =>
    hosts.recordReport({
      host: `cmp-${suffix()}`,
      driver: 'fake',
      hypervisorType: 'QEMU',
      hypervisorVersion: 8_000_000,
      hostIp: '10.1.2.3',
      vcpus: 4,
      memoryMb: 8192,
      diskGb: 100,
      runningVms: 0,
      ...extra,
    });

  it('lists nova-compute services by host and binary, in the 2.53+ shape', async () => {
    const node = await report();
    const r = await nova.expectCall(200, 'GET', `/os-services?host=${node.host}`, { token: admin });
    expect(r.body.services).toEqual([
      {
        id: node.serviceId,
        binary: 'nova-compute',
        host: node.host,
        zone: 'nova',
        status: 'enabled',
        state: 'up',
        updated_at: expect.stringMatching(NOVA_TIME),
        disabled_reason: null,
        forced_down: false,
      },
    ]);
    expect(r.headers.get('openstack-api-version')).toBe('compute 2.90');
    const other = await nova.expectCall(200, 'GET', `/os-services?host=${node.host}&binary=nova-scheduler`, {
      token: admin,
    });
    expect(other.body.services).toEqual([]);
    // before 2.11 there is no forced_down
    const old = await nova.expectCall(200, 'GET', `/os-services?host=${node.host}`, { token: admin, version: '2.10' });
    expect(old.body.services[0]).not.toHaveProperty('forced_down');
    // before 2.53 the id is an integer (derived from the UUID), as Nova's and Tempest's schemas have it
    expect(old.body.services[0].id).toBe(legacyServiceId(node.serviceId));
    // 2.75 refuses unknown query parameters
    const bad = await nova.call('GET', '/os-services?hots=x', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.badRequest.message).toContain("'hots'");
  });

  it('disables with a reason and enables again (2.53+), refusing bad bodies naming the field', async () => {
    const node = await report();
    const put = (body: unknown, token = admin) => nova.call('PUT', `/os-services/${node.serviceId}`, { token, body });
    const off = await put({ status: 'disabled', disabled_reason: 'maintenance' });
    expect(off.status).toBe(200);
    expect(off.body.service).toMatchObject({
      id: node.serviceId,
      status: 'disabled',
      disabled_reason: 'maintenance',
      forced_down: false,
    });
    // the agent's next report keeps the operator's choice
    await hosts.recordReport({ ...node, runningVms: 1 });
    const listed = await nova.expectCall(200, 'GET', `/os-services?host=${node.host}`, { token: admin });
    expect(listed.body.services[0]).toMatchObject({ status: 'disabled', disabled_reason: 'maintenance' });
    expect((await put({ status: 'enabled' })).body.service).toMatchObject({ status: 'enabled', disabled_reason: null });

    const badStatus = await put({ status: 'off' });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.badRequest.message).toContain("'status'");
    const extra = await put({ status: 'enabled', host: node.host });
    expect(extra.status).toBe(400);
    expect(extra.body.badRequest.message).toContain("'host'");
    expect((await put({})).body.badRequest.message).toContain('No updates were requested');
    expect(
      (await nova.call('PUT', '/os-services/not-a-uuid', { token: admin, body: { status: 'enabled' } })).status,
    ).toBe(400);
    expect(
      (await nova.call('PUT', `/os-services/${randomUUID()}`, { token: admin, body: { status: 'enabled' } })).status,
    ).toBe(404);
  });

  it('forces a service down: it shows down until the operator lifts it', async () => {
    const node = await report();
    const r = await nova.expectCall(200, 'PUT', `/os-services/${node.serviceId}`, {
      token: admin,
      body: { forced_down: true },
    });
    expect(r.body.service).toMatchObject({ state: 'down', forced_down: true });
    await hosts.heartbeat(node.host);
    const hv = await nova.expectCall(200, 'GET', `/os-hypervisors/${node.hypervisorId}`, { token: admin });
    expect(hv.body.hypervisor.state).toBe('down');
  });

  it('takes the pre-2.53 action routes, naming the service by host and binary', async () => {
    const node = await report();
    const body = { host: node.host, binary: 'nova-compute', disabled_reason: 'old client' };
    const r = await nova.expectCall(200, 'PUT', '/os-services/disable-log-reason', {
      token: admin,
      body,
      version: '2.11',
    });
    expect(r.body).toEqual({
      service: { host: node.host, binary: 'nova-compute', status: 'disabled', disabled_reason: 'old client' },
    });
    const on = await nova.expectCall(200, 'PUT', '/os-services/enable', {
      token: admin,
      body: { host: node.host, binary: 'nova-compute' },
      version: '2.11',
    });
    expect(on.body).toEqual({ service: { host: node.host, binary: 'nova-compute', status: 'enabled' } });
    const down = await nova.expectCall(200, 'PUT', '/os-services/force-down', {
      token: admin,
      body: { host: node.host, binary: 'nova-compute', forced_down: false },
      version: '2.11',
    });
    expect(down.body).toEqual({ service: { host: node.host, binary: 'nova-compute', forced_down: false } });
    const sched = await nova.call('PUT', '/os-services/disable', {
      token: admin,
      body: { host: node.host, binary: 'nova-scheduler' },
      version: '2.11',
    });
    expect(sched.status).toBe(400);
    expect((await nova.call('PUT', '/os-services/reboot', { token: admin, body: {}, version: '2.11' })).status).toBe(
      404,
    );
  });

  it('refuses to delete a service hosting instances (409), then deletes it (204)', async () => {
    const node = await report();
    const vm = await db.instance.create({
      data: {
        id: randomUUID(),
        name: 'vm',
        hostname: 'vm',
        projectId: alice.projectId,
        userId: alice.id,
        imageId: randomUUID(),
        flavor: {},
        vmState: 'active',
        reservationId: `r-${suffix()}`,
        host: node.host,
      },
    });
    const refused = await nova.call('DELETE', `/os-services/${node.serviceId}`, { token: admin });
    expect(refused.status).toBe(409);
    expect(refused.body.conflictingRequest.message).toContain('hosting instances');
    await db.instance.update({ where: { id: vm.id }, data: { deleted: true } });
    // before 2.53 by the integer id the listing showed
    const legacy = legacyServiceId(node.serviceId);
    expect((await nova.call('DELETE', `/os-services/${legacy}`, { token: admin, version: '2.52' })).status).toBe(204);
    expect((await nova.call('DELETE', `/os-services/${node.serviceId}`, { token: admin })).status).toBe(404);
    expect((await nova.call('DELETE', '/os-services/42', { token: admin })).status).toBe(400);
  });

  it('refuses every os-services, os-hypervisors and zone-detail call to a non-admin with 403', async () => {
    const node = await report();
    const calls: [string, string, unknown?][] = [
      ['GET', '/os-services'],
      ['PUT', `/os-services/${node.serviceId}`, { status: 'disabled' }],
      ['DELETE', `/os-services/${node.serviceId}`],
      ['GET', '/os-hypervisors'],
      ['GET', '/os-hypervisors/detail'],
      ['GET', `/os-hypervisors/${node.hypervisorId}`],
      ['GET', '/os-availability-zone/detail'],
      ['GET', '/os-aggregates'],
    ];
    for (const [method, path, body] of calls) {
      const r = await nova.call(method, path, { token: alice.token, body });
      expect([path, r.status, r.body?.forbidden?.code]).toEqual([path, 403, 403]);
    }
    for (const path of ['/os-hypervisors/statistics', `/os-hypervisors/${node.hypervisorId}/uptime`]) {
      expect((await nova.call('GET', path, { token: alice.token, version: '2.87' })).status).toBe(403);
    }
    // the node is untouched
    expect((await hosts.getNode(node.host))?.enabled).toBe(true);
  });

  it('shows a hypervisor in the 2.53 detail shape, with claims, servers and cpu_info', async () => {
    const node = await report({ vcpus: 8, memoryMb: 4096, diskGb: 50 });
    await db.computeNode.update({
      where: { host: node.host },
      data: { vcpusUsed: 2, memoryMbUsed: 1024, diskGbUsed: 10 },
    });
    const r = await nova.expectCall(200, 'GET', `/os-hypervisors/${node.hypervisorId}?with_servers=true`, {
      token: admin,
      version: '2.87',
    });
    expect(r.body.hypervisor).toEqual({
      id: node.hypervisorId,
      hypervisor_hostname: node.host,
      state: 'up',
      status: 'enabled',
      hypervisor_type: 'QEMU',
      hypervisor_version: 8_000_000,
      host_ip: '10.1.2.3',
      service: { host: node.host, id: node.serviceId, disabled_reason: null },
      vcpus: 8,
      vcpus_used: 2,
      memory_mb: 4096,
      memory_mb_used: 1024,
      local_gb: 50,
      local_gb_used: 10,
      free_ram_mb: 3072,
      free_disk_gb: 40,
      current_workload: 0,
      running_vms: 0,
      disk_available_least: 40,
      cpu_info: {},
      servers: [],
    });
    // 2.88 drops the capacity fields and adds uptime; 2.27 shows cpu_info as a JSON string
    const v288 = await nova.expectCall(200, 'GET', `/os-hypervisors/${node.hypervisorId}`, { token: admin });
    expect(Object.keys(v288.body.hypervisor).sort()).toEqual(
      [
        'host_ip',
        'hypervisor_hostname',
        'hypervisor_type',
        'hypervisor_version',
        'id',
        'service',
        'state',
        'status',
        'uptime',
      ].sort(),
    );
    const v227 = await nova.expectCall(200, 'GET', `/os-hypervisors/${node.hypervisorId}`, {
      token: admin,
      version: '2.27',
    });
    expect(v227.body.hypervisor.cpu_info).toBe('{}');
    expect((await nova.call('GET', '/os-hypervisors/nope', { token: admin })).status).toBe(400);
    expect((await nova.call('GET', `/os-hypervisors/${randomUUID()}`, { token: admin })).status).toBe(404);
    expect(
      (await nova.call('GET', `/os-hypervisors/${node.hypervisorId}?with_servers=maybe`, { token: admin })).status,
    ).toBe(400);
  });

  it('lists hypervisors by name pattern, pages them with next links, and says when nothing matches', async () => {
    const tag = `hvp${suffix()}`;
    const nodes: Awaited<ReturnType<typeof report>>[] = [];
    for (const i of [1, 2, 3]) nodes.push(await report({ host: `${tag}-${i}` }));
    const found = await nova.expectCall(200, 'GET', `/os-hypervisors?hypervisor_hostname_pattern=${tag}`, {
      token: admin,
    });
    expect(found.body.hypervisors.map((h: { hypervisor_hostname: string }) => h.hypervisor_hostname)).toEqual(
      nodes.map((n) => n.host),
    );
    expect(Object.keys(found.body.hypervisors[0]).sort()).toEqual(['hypervisor_hostname', 'id', 'state', 'status']);
    expect(
      (await nova.call('GET', `/os-hypervisors?hypervisor_hostname_pattern=${tag}-9`, { token: admin })).status,
    ).toBe(404);
    expect(
      (await nova.call('GET', `/os-hypervisors?hypervisor_hostname_pattern=${tag}&limit=1`, { token: admin })).status,
    ).toBe(400);

    const page = await nova.expectCall(200, 'GET', `/os-hypervisors/detail?limit=1&marker=${nodes[0]!.hypervisorId}`, {
      token: admin,
    });
    expect(page.body.hypervisors).toHaveLength(1);
    const next = page.body.hypervisors_links[0];
    expect(next.rel).toBe('next');
    expect(next.href).toContain(`/compute/v2.1/os-hypervisors/detail?limit=1&marker=${page.body.hypervisors[0].id}`);
    const bad = await nova.call('GET', '/os-hypervisors?limit=-1', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.badRequest.message).toContain("'limit'");
    expect(
      (await nova.call('GET', `/os-hypervisors?marker=${randomUUID()}`, { token: admin })).body.badRequest.message,
    ).toMatch(/not found/);
    // before 2.53, the pattern has its own route
    const old = await nova.expectCall(200, 'GET', `/os-hypervisors/${tag}/search`, { token: admin, version: '2.1' });
    expect(old.body.hypervisors).toHaveLength(3);
  });

  it('sums statistics before 2.88 and answers uptime as not implemented', async () => {
    const node = await report();
    const stats = await nova.expectCall(200, 'GET', '/os-hypervisors/statistics', { token: admin, version: '2.87' });
    expect(stats.body.hypervisor_statistics.count).toBeGreaterThanOrEqual(1);
    expect((await nova.call('GET', '/os-hypervisors/statistics', { token: admin })).status).toBe(404);
    const up = await nova.call('GET', `/os-hypervisors/${node.hypervisorId}/uptime`, { token: admin, version: '2.87' });
    expect(up.status).toBe(501);
    expect(up.body.notImplemented.code).toBe(501);
  });

  it('lists availability zones for anyone and their hosts for admins', async () => {
    const zone = `az-${suffix()}`;
    const node = await report({ availabilityZone: zone });
    const list = await nova.expectCall(200, 'GET', '/os-availability-zone', { token: alice.token });
    expect(list.body.availabilityZoneInfo).toContainEqual({
      zoneName: zone,
      zoneState: { available: true },
      hosts: null,
    });
    const detail = await nova.expectCall(200, 'GET', '/os-availability-zone/detail', { token: admin });
    const z = detail.body.availabilityZoneInfo.find((x: { zoneName: string }) => x.zoneName === zone);
    expect(z.hosts).toEqual({
      [node.host]: { 'nova-compute': { available: true, active: true, updated_at: expect.stringMatching(NOVA_TIME) } },
    });
    expect(node.serviceId).toMatch(UUID);
  });
});
