import { describe, it } from 'vitest';
import { createDb } from '../../server/db/client';
import { HostsService } from '../../server/services/compute/hosts.service';
import { onFileEnd } from '../helpers/file-cleanup';
import { identityClient, suffix } from '../helpers/identity-client';
import { openstack } from '../helpers/openstack-cli';
import { startTestStack } from '../helpers/stack';

/**
 * The real `openstack` CLI against Cumulo's os-services, os-hypervisors, os-availability-zone, quotas and limits.
 * Hosts come in as the conductor brings them, through HostsService.recordReport: no agent is needed. The cloud has
 * no volume or network service, and the quota and limits commands must cope with that.
 */
type Row = Record<string, unknown>;

// each CLI call starts a Python interpreter (about 1 s of CPU): generous budgets for a busy 2-core machine
describe.concurrent('openstack CLI against compute hosts, quotas and limits', { timeout: 300_000 }, async () => {
  const stack = await startTestStack();
  const ks = identityClient(stack);
  const db = createDb(stack.databaseUrl, { poolSize: 2 });
  onFileEnd(() => db.$disconnect());
  const hosts = new HostsService({ db });
  const cli = <T = Row>(args: string[]) => openstack<T>(stack, args);

  const report = (host: string, availabilityZone?: string) =>
    hosts.recordReport({
      host,
      driver: 'fake',
      hypervisorType: 'QEMU',
      hypervisorVersion: 8_000_000,
      hostIp: '10.9.8.7',
      availabilityZone,
      vcpus: 4,
      memoryMb: 8192,
      diskGb: 80,
      runningVms: 0,
    });

  it('compute service list / set --disable --disable-reason / set --enable', async ({ expect }) => {
    const node = await report(`cmp-${suffix()}`);
    const listed = await cli<Row[]>(['compute', 'service', 'list', '--host', node.host]);
    expect(listed).toEqual([
      {
        ID: node.serviceId,
        Binary: 'nova-compute',
        Host: node.host,
        Zone: 'nova',
        Status: 'enabled',
        State: 'up',
        'Updated At': expect.any(String),
      },
    ]);
    await cli(['compute', 'service', 'set', '--disable', '--disable-reason', 'x', node.host, 'nova-compute']);
    expect(await hosts.getNode(node.host)).toMatchObject({ enabled: false, disabledReason: 'x' });
    const long = await cli<Row[]>(['compute', 'service', 'list', '--host', node.host, '--long']);
    expect(long[0]).toMatchObject({ Status: 'disabled', 'Disabled Reason': 'x' });
    await cli(['compute', 'service', 'set', '--enable', node.host, 'nova-compute']);
    expect(await hosts.getNode(node.host)).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('hypervisor list / hypervisor show', async ({ expect }) => {
    const node = await report(`hv-${suffix()}`);
    const listed = await cli<Row[]>(['hypervisor', 'list']);
    expect(listed).toContainEqual({
      ID: node.hypervisorId,
      'Hypervisor Hostname': node.host,
      'Hypervisor Type': 'QEMU',
      'Host IP': '10.9.8.7',
      State: 'up',
    });
    const shown = await cli(['hypervisor', 'show', node.hypervisorId]);
    expect(shown).toMatchObject({
      id: node.hypervisorId,
      hypervisor_hostname: node.host,
      service_host: node.host,
      service_id: node.serviceId,
      vcpus: 4,
      memory_mb: 8192,
      state: 'up',
      status: 'enabled',
      aggregates: [],
    });
  });

  it('availability zone list --compute', async ({ expect }) => {
    const zone = `az-${suffix()}`;
    await report(`cmp-${suffix()}`, zone);
    const zones = await cli<Row[]>(['availability', 'zone', 'list', '--compute']);
    expect(zones).toContainEqual({ 'Zone Name': zone, 'Zone Status': 'available' });
  });

  it('quota set --instances --cores / quota show, without volume or network services', async ({ expect }) => {
    const project = await ks.createProject();
    await cli(['quota', 'set', '--instances', '5', '--cores', '7', project.name]);
    const shown = await cli(['quota', 'show', project.name]);
    expect(shown).toMatchObject({ instances: 5, cores: 7, ram: 51_200, 'key-pairs': 100, project: project.id });
  });

  it('limits show --absolute', async ({ expect }) => {
    const limits = await cli<{ Name: string; Value: number }[]>(['limits', 'show', '--absolute']);
    expect(limits).toEqual(
      expect.arrayContaining([
        { Name: 'maxTotalInstances', Value: 10 },
        { Name: 'maxTotalCores', Value: 20 },
        { Name: 'totalInstancesUsed', Value: 0 },
      ]),
    );
  });
});
