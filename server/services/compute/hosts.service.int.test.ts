import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { authContext } from '../../../tests/helpers/auth-context';
import { testDatabase } from '../../../tests/helpers/db';
import type { Db } from '../../db/client';
import { AppError } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { TComputeNode, TComputeNodeReport } from './host.dto';
import { HostsService, isUp, legacyServiceId, SERVICE_DOWN_SECONDS } from './hosts.service';
import { HypervisorsService } from './hypervisors.service';

const admin = authContext({ roles: ['admin', 'member', 'reader'], projectId: 'admin-project' });
const member = authContext({ roles: ['member', 'reader'], projectId: 'p1' });

const report = (host: string, extra: Partial<TComputeNodeReport> = {}): TComputeNodeReport => ({
  host,
  driver: 'fake',
  hypervisorType: 'QEMU',
  hypervisorVersion: 8_000_000,
  hostIp: '10.0.0.5',
  vcpus: 8,
  memoryMb: 16_384,
  diskGb: 200,
  ...extra,
});

const rejection = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

describe('compute hosts', () => {
  let db: Db;
  let hosts: HostsService;
  let hypervisors: HypervisorsService;
  let now = new Date('2026-12-02T12:00:00Z');
  const host = () => `cmp-${newId().slice(0, 8)}`;

  beforeAll(async () => {
    ({ db } = await testDatabase());
    hosts = new HostsService({ db }, () => now);
    hypervisors = new HypervisorsService({ db });
  });

  const instanceOn = (h: string, extra: Record<string, unknown> = {}) =>
    db.instance.create({
      data: {
        id: randomUUID(),
        name: `vm-${newId().slice(0, 6)}`,
        hostname: 'vm',
        projectId: 'p1',
        userId: 'u1',
        imageId: randomUUID(),
        flavor: {},
        vmState: 'active',
        reservationId: `r-${newId().slice(0, 8)}`,
        host: h,
        ...extra,
      },
    });

  it('creates a node on its first report, with UUID service and hypervisor ids, in zone nova', async () => {
    const h = host();
    const node = await hosts.recordReport(report(h));
    expect(node).toMatchObject({
      host: h,
      availabilityZone: 'nova',
      enabled: true,
      vcpus: 8,
      vcpusUsed: 0,
      lastHeartbeatAt: now,
    });
    expect(node.serviceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(node.hypervisorId).not.toBe(node.serviceId);
    expect(await hosts.getNode(h)).toEqual(node);
    expect((await hosts.listNodes()).map((n) => n.host)).toContain(h);
  });

  it("keeps an operator's disable, the ids and the claimed capacity when the agent reports again", async () => {
    const h = host();
    const first = await hosts.recordReport(report(h));
    await hosts.updateService(admin, first.serviceId, { status: 'disabled', disabledReason: 'maintenance' });
    await db.computeNode.update({ where: { host: h }, data: { vcpusUsed: 3 } });
    now = new Date(now.getTime() + 30_000);
    const again = await hosts.recordReport(report(h, { vcpus: 16, runningVms: 2, availabilityZone: 'az-2' }));
    expect(again).toMatchObject({
      serviceId: first.serviceId,
      hypervisorId: first.hypervisorId,
      enabled: false,
      disabledReason: 'maintenance',
      vcpus: 16,
      vcpusUsed: 3,
      runningVms: 2,
      availabilityZone: 'az-2',
      lastHeartbeatAt: now,
    });
    // a report without a zone keeps the one it has
    expect((await hosts.recordReport(report(h))).availabilityZone).toBe('az-2');
  });

  it('lets two first reports of one host race without failing', async () => {
    const h = host();
    const [a, b] = await Promise.all([hosts.recordReport(report(h)), hosts.recordReport(report(h))]);
    expect(a.serviceId).toBe(b.serviceId);
  });

  it('refuses a malformed report naming the field', async () => {
    const e = await rejection(hosts.recordReport(report(host(), { vcpus: -1 })));
    expect(e).toMatchObject({ code: 'BadRequest', details: { field: 'vcpus' } });
  });

  it('counts a host up until SERVICE_DOWN_SECONDS after its heartbeat, and never when forced down', () => {
    const beat = new Date('2026-01-01T00:00:00Z');
    const at = (s: number) => new Date(beat.getTime() + s * 1000);
    const node = { lastHeartbeatAt: beat, forcedDown: false };
    expect(isUp(node, at(SERVICE_DOWN_SECONDS))).toBe(true);
    expect(isUp(node, at(SERVICE_DOWN_SECONDS + 0.001))).toBe(false);
    expect(isUp(node, at(-5))).toBe(true);
    expect(isUp({ ...node, forcedDown: true }, at(1))).toBe(false);
  });

  it('moves the heartbeat on, and says when the host is unknown', async () => {
    const h = host();
    await hosts.recordReport(report(h));
    now = new Date(now.getTime() + 120_000);
    const [stale] = await hosts.listServices(admin, { host: h });
    expect(stale?.up).toBe(false);
    expect(await hosts.downHosts()).toContain(h);
    expect(await hosts.heartbeat(h)).toBe(true);
    expect((await hosts.listServices(admin, { host: h }))[0]).toMatchObject({ up: true, lastHeartbeatAt: now });
    expect(await hosts.downHosts()).not.toContain(h);
    expect(await hosts.heartbeat(host())).toBe(false);
  });

  it('lists only nova-compute services, filtered by host and binary', async () => {
    const h = host();
    await hosts.recordReport(report(h));
    expect(await hosts.listServices(admin, { host: h, binary: 'nova-compute' })).toHaveLength(1);
    expect(await hosts.listServices(admin, { binary: 'nova-scheduler' })).toEqual([]);
    expect((await rejection(hosts.listServices(member))).code).toBe('Forbidden');
  });

  it('enables, disables and forces down, refusing empty and contradictory changes', async () => {
    const node = await hosts.recordReport(report(host()));
    const down = await hosts.updateService(admin, node.serviceId.toUpperCase().replaceAll('-', ''), {
      forcedDown: true,
    });
    expect(down).toMatchObject({ forcedDown: true, up: false });
    const enabled = await hosts.updateService(admin, node.serviceId, { status: 'enabled', forcedDown: false });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, forcedDown: false, up: true });
    expect((await rejection(hosts.updateService(admin, node.serviceId, {}))).message).toContain(
      'No updates were requested',
    );
    const both = await rejection(
      hosts.updateService(admin, node.serviceId, { status: 'enabled', disabledReason: 'x' }),
    );
    expect(both.message).toBe("Specifying 'disabled_reason' with status 'enabled' is invalid.");
    expect((await rejection(hosts.updateService(admin, randomUUID(), { status: 'enabled' }))).code).toBe('NotFound');
    expect((await rejection(hosts.updateService(member, node.serviceId, { status: 'enabled' }))).code).toBe(
      'Forbidden',
    );
    const legacy = await hosts.updateServiceByHost(admin, node.host, 'nova-compute', { status: 'disabled' });
    expect(legacy.enabled).toBe(false);
    expect(
      (await rejection(hosts.updateServiceByHost(admin, node.host, 'nova-scheduler', { status: 'enabled' }))).code,
    ).toBe('BadRequest');
  });

  it('refuses to delete a service while instances live on its host, then deletes it', async () => {
    const node = await hosts.recordReport(report(host()));
    const vm = await instanceOn(node.host);
    const e = await rejection(hosts.deleteService(admin, node.serviceId));
    expect(e.code).toBe('Conflict');
    expect(e.message).toContain('hosting instances');
    // a deleted instance no longer counts
    await db.instance.update({ where: { id: vm.id }, data: { deleted: true, deletedAt: new Date() } });
    expect((await rejection(hosts.deleteService(member, node.serviceId))).code).toBe('Forbidden');
    await hosts.deleteService(admin, node.serviceId);
    expect(await hosts.getNode(node.host)).toBeNull();
    expect((await rejection(hosts.deleteService(admin, node.serviceId))).code).toBe('NotFound');
  });

  it('finds a service by the integer id shown before 2.53', async () => {
    const node = await hosts.recordReport(report(host()));
    const id = legacyServiceId(node.serviceId);
    expect(id).toBeGreaterThan(0);
    expect(id).toBeLessThanOrEqual(0x7fffffff);
    expect((await hosts.updateService(admin, String(id), { status: 'disabled' })).host).toBe(node.host);
    expect((await rejection(hosts.updateService(admin, '0', { status: 'enabled' }))).code).toBe('NotFound');
  });

  it('refuses to delete a service that is the source of a resize', async () => {
    const node = await hosts.recordReport(report(host()));
    const target = await hosts.recordReport(report(host()));
    await instanceOn(target.host, { sourceHost: node.host });
    expect((await rejection(hosts.deleteService(admin, node.serviceId))).message).toContain('in-progress migrations');
  });

  it('lists availability zones: available while one of their services is enabled', async () => {
    const zone = `az-${newId().slice(0, 6)}`;
    const off = `off-${newId().slice(0, 6)}`;
    const a = await hosts.recordReport(report(host(), { availabilityZone: zone }));
    const b = await hosts.recordReport(report(host(), { availabilityZone: off }));
    await hosts.updateService(admin, b.serviceId, { status: 'disabled' });
    const zones = await hosts.availabilityZones(member, { detail: false });
    expect(zones.find((z) => z.name === zone)).toEqual({ name: zone, available: true });
    expect(zones.find((z) => z.name === off)).toEqual({ name: off, available: false });
    const detail = await hosts.availabilityZones(admin, { detail: true });
    expect(detail.find((z) => z.name === zone)?.hosts).toEqual([
      { host: a.host, up: true, enabled: true, updatedAt: now },
    ]);
    expect(detail.find((z) => z.name === off)?.hosts).toBeUndefined();
    expect((await rejection(hosts.availabilityZones(member, { detail: true }))).code).toBe('Forbidden');
  });

  it('shows hypervisors with claims, workload and servers, pages by marker and searches by name', async () => {
    const prefix = `hv${newId().slice(0, 6)}`;
    const nodes: TComputeNode[] = [];
    for (const i of [1, 2, 3]) nodes.push(await hosts.recordReport(report(`${prefix}-${i}`)));
    await db.computeNode.update({ where: { host: nodes[0]!.host }, data: { vcpusUsed: 2, memoryMbUsed: 1024 } });
    const vm = await instanceOn(nodes[0]!.host, { taskState: 'spawning' });
    const shown = await hypervisors.get(admin, nodes[0]!.hypervisorId, { withServers: true });
    expect(shown).toMatchObject({
      vcpusUsed: 2,
      memoryMbUsed: 1024,
      currentWorkload: 1,
      servers: [{ id: vm.id, name: vm.name }],
    });

    const found = await hypervisors.list(admin, { detail: false, pattern: prefix.toUpperCase() });
    expect(found.hypervisors.map((h) => h.host)).toEqual(nodes.map((n) => n.host));
    expect((await rejection(hypervisors.list(admin, { detail: false, pattern: `${prefix}-nope` }))).code).toBe(
      'NotFound',
    );
    expect((await rejection(hypervisors.list(admin, { detail: false, pattern: prefix, limit: 1 }))).code).toBe(
      'BadRequest',
    );

    const all = (await hypervisors.list(admin, { detail: true })).hypervisors;
    const at = all.findIndex((h) => h.host === nodes[0]!.host);
    const next = await hypervisors.list(admin, { detail: true, marker: nodes[0]!.hypervisorId, limit: 2 });
    expect(next.hypervisors.map((h) => h.host)).toEqual(all.slice(at + 1, at + 3).map((h) => h.host));
    expect(next.limit).toBe(2);
    expect((await rejection(hypervisors.list(admin, { detail: true, marker: randomUUID() }))).message).toMatch(
      /^marker \[.*\] not found$/,
    );
    expect((await rejection(hypervisors.get(admin, 'not-a-uuid'))).code).toBe('NotFound');
    expect((await rejection(hypervisors.list(member, { detail: false }))).code).toBe('Forbidden');
    expect((await rejection(hypervisors.get(member, nodes[0]!.hypervisorId))).code).toBe('Forbidden');
  });

  it('sums statistics over enabled hosts only', async () => {
    const before = await hypervisors.statistics(admin);
    const on = await hosts.recordReport(report(host(), { vcpus: 4, memoryMb: 1000, diskGb: 10 }));
    const off = await hosts.recordReport(report(host(), { vcpus: 100 }));
    await hosts.updateService(admin, off.serviceId, { status: 'disabled' });
    await db.computeNode.update({ where: { host: on.host }, data: { memoryMbUsed: 400 } });
    const after = await hypervisors.statistics(admin);
    expect(after.count - before.count).toBe(1);
    expect(after.vcpus - before.vcpus).toBe(4);
    expect(after.freeRamMb - before.freeRamMb).toBe(600);
    expect((await rejection(hypervisors.statistics(member))).code).toBe('Forbidden');
  });
});
