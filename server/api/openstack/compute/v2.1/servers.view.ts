import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { isCloudAdmin } from '../../../../policy/auth-context';
import type { TInstanceAction } from '../../../../services/compute/instance.dto';
import type { ServerWithFault } from '../../../../services/compute/servers.service';
import { serverStatus } from '../../../../services/compute/states';
import { authOf } from '../../request-auth';
import { atLeast } from '../microversion';
import { apiRoot } from './flavors.view';

/** Servers as Nova shows them at the request's microversion (nova/api/openstack/compute/views/servers.py). */

/** Nova's timestamps: `2012-08-20T21:11:09Z` for created/updated… */
const isoZ = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
/** …and naive microsecond times for the OS-SRV-USG fields. */
const usage = (d: Date | null) => (d ? d.toISOString().replace(/Z$/, '000') : null);

function links(req: FastifyRequest, kind: string, id: string) {
  const root = apiRoot(req);
  return [
    { rel: 'self', href: `${root}/v2.1/${kind}/${id}` },
    { rel: 'bookmark', href: `${root}/${kind}/${id}` },
  ];
}

/** Nova's hostId: an opaque per-project digest of the host, so a project can tell its servers apart by host. */
const hostId = (s: ServerWithFault) => (s.host ? createHash('sha224').update(`${s.projectId}${s.host}`).digest('hex') : '');

/** Which statuses show `progress` (Nova: only while something can progress). */
const WITH_PROGRESS = new Set(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']);

export const serverBrief = (req: FastifyRequest, s: ServerWithFault) => ({ id: s.id, name: s.name, links: links(req, 'servers', s.id) });

export function serverView(req: FastifyRequest, s: ServerWithFault) {
  const admin = isCloudAdmin(authOf(req));
  const status = serverStatus(s.vmState, s.taskState);
  const f = s.flavor;
  const flavor = atLeast(req, '2.47')
    ? { vcpus: f.vcpus, ram: f.ram, disk: f.disk, ephemeral: f.ephemeral, swap: f.swap, original_name: f.name, extra_specs: f.extraSpecs }
    : { id: f.id, links: [{ rel: 'bookmark', href: `${apiRoot(req)}/flavors/${f.id}` }] };
  return {
    id: s.id,
    name: s.name,
    status,
    tenant_id: s.projectId,
    user_id: s.userId,
    metadata: s.metadata,
    hostId: hostId(s),
    image: { id: s.imageId, links: [{ rel: 'bookmark', href: `${apiRoot(req)}/images/${s.imageId}` }] },
    flavor,
    created: isoZ(s.createdAt),
    updated: isoZ(s.updatedAt),
    addresses: {},
    accessIPv4: '',
    accessIPv6: '',
    links: links(req, 'servers', s.id),
    'OS-DCF:diskConfig': 'MANUAL',
    ...(WITH_PROGRESS.has(status) && { progress: s.progress }),
    key_name: s.keyName,
    config_drive: '',
    'OS-EXT-AZ:availability_zone': s.availabilityZone ?? (s.host ? 'nova' : ''),
    'OS-EXT-STS:task_state': s.taskState,
    'OS-EXT-STS:vm_state': s.vmState,
    'OS-EXT-STS:power_state': s.powerState,
    'OS-SRV-USG:launched_at': usage(s.launchedAt),
    'OS-SRV-USG:terminated_at': usage(s.terminatedAt),
    'os-extended-volumes:volumes_attached': [],
    ...(admin && {
      'OS-EXT-SRV-ATTR:host': s.host,
      'OS-EXT-SRV-ATTR:hypervisor_hostname': s.host,
      'OS-EXT-SRV-ATTR:instance_name': s.id,
    }),
    ...(admin &&
      atLeast(req, '2.3') && {
        'OS-EXT-SRV-ATTR:reservation_id': s.reservationId,
        'OS-EXT-SRV-ATTR:launch_index': s.launchIndex,
        'OS-EXT-SRV-ATTR:hostname': s.hostname,
        'OS-EXT-SRV-ATTR:kernel_id': '',
        'OS-EXT-SRV-ATTR:ramdisk_id': '',
        'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
        'OS-EXT-SRV-ATTR:user_data': s.userData,
      }),
    ...(!admin && atLeast(req, '2.90') && { 'OS-EXT-SRV-ATTR:hostname': s.hostname }),
    ...(atLeast(req, '2.9') && { locked: s.locked }),
    ...(atLeast(req, '2.19') && { description: s.description }),
    ...(atLeast(req, '2.26') && { tags: [] }),
    ...(atLeast(req, '2.63') && { trusted_image_certificates: null }),
    ...(atLeast(req, '2.73') && { locked_reason: null }),
    ...(s.fault && {
      fault: {
        code: s.fault.code,
        created: isoZ(s.fault.createdAt),
        message: s.fault.message,
        // Nova hides the details of internal errors from non-admins
        ...((admin || s.fault.code !== 500) && { details: s.fault.details }),
      },
    }),
  };
}

export function actionView(req: FastifyRequest, a: TInstanceAction, withEvents: boolean) {
  const admin = isCloudAdmin(authOf(req));
  return {
    action: a.action,
    instance_uuid: a.instanceId,
    request_id: a.requestId,
    user_id: a.userId,
    project_id: a.projectId,
    start_time: usage(a.startTime),
    message: a.message,
    ...(atLeast(req, '2.58') && { updated_at: usage(a.updatedAt) }),
    ...(withEvents && {
      events: a.events.map((e) => ({
        event: e.event,
        start_time: usage(e.startTime),
        finish_time: usage(e.finishTime),
        result: e.result,
        ...(admin && { traceback: e.traceback }),
        ...(atLeast(req, '2.62') && admin && { host: e.host ?? '' }),
        ...(atLeast(req, '2.62') && { hostId: e.host ? createHash('sha224').update(`${a.projectId}${e.host}`).digest('hex') : '' }),
      })),
    }),
  };
}
