import type { FastifyRequest } from 'fastify';
import type { TComputeLimits, TComputeUsage } from '../../../../services/compute/compute-quotas.service';
import { atLeast } from '../microversion';
import { LEGACY_FILE_QUOTAS, LEGACY_NETWORK_QUOTAS } from './quotas.schemas';

/** The legacy entries a microversion still shows: nova-network's until `networkUntil`, personality files until 2.57. */
function legacy(req: FastifyRequest, networkUntil: string): Record<string, number> {
  return {
    ...(!atLeast(req, networkUntil) && LEGACY_NETWORK_QUOTAS),
    ...(!atLeast(req, '2.57') && LEGACY_FILE_QUOTAS),
  };
}

/** `{quota_set: {id?, cores, instances, …}}`; PUT answers without the id, as Nova does. */
export function quotaSetView(req: FastifyRequest, limits: TComputeLimits, projectId?: string) {
  return { quota_set: { ...(projectId !== undefined && { id: projectId }), ...limits, ...legacy(req, '2.36') } };
}

/** `{quota_set: {id, cores: {in_use, limit, reserved}, …}}`; nothing is ever held in reserve any more (reserved 0). */
export function quotaDetailView(req: FastifyRequest, usage: TComputeUsage, projectId: string) {
  const entries = Object.entries(usage).map(([r, u]) => [r, { in_use: u.inUse, limit: u.limit, reserved: 0 }]);
  const old = Object.entries(legacy(req, '2.36')).map(([r, limit]) => [r, { in_use: 0, limit, reserved: 0 }]);
  return { quota_set: { id: projectId, ...Object.fromEntries([...entries, ...old]) } };
}

/** `{quota_class_set: {id?, …}}`: server group quotas only from 2.50, which also drops nova-network's. */
export function quotaClassView(req: FastifyRequest, limits: TComputeLimits, quotaClass?: string) {
  const { server_groups, server_group_members, ...rest } = limits;
  return {
    quota_class_set: {
      ...(quotaClass !== undefined && { id: quotaClass }),
      ...rest,
      ...(atLeast(req, '2.50') && { server_groups, server_group_members }),
      ...legacy(req, '2.50'),
    },
  };
}

/** GET /limits: Nova's absolute limits and what the project uses; rate limits are long gone (always []). */
export function limitsView(req: FastifyRequest, u: TComputeUsage) {
  const v236 = atLeast(req, '2.36');
  return {
    limits: {
      rate: [],
      absolute: {
        maxTotalInstances: u.instances.limit,
        maxTotalCores: u.cores.limit,
        maxTotalRAMSize: u.ram.limit,
        maxTotalKeypairs: u.key_pairs.limit,
        maxServerMeta: u.metadata_items.limit,
        ...(!atLeast(req, '2.39') && { maxImageMeta: u.metadata_items.limit }),
        ...(!atLeast(req, '2.57') && {
          maxPersonality: LEGACY_FILE_QUOTAS.injected_files,
          maxPersonalitySize: LEGACY_FILE_QUOTAS.injected_file_content_bytes,
        }),
        ...(!v236 && {
          maxTotalFloatingIps: LEGACY_NETWORK_QUOTAS.floating_ips,
          maxSecurityGroups: LEGACY_NETWORK_QUOTAS.security_groups,
          maxSecurityGroupRules: LEGACY_NETWORK_QUOTAS.security_group_rules,
        }),
        maxServerGroups: u.server_groups.limit,
        maxServerGroupMembers: u.server_group_members.limit,
        totalInstancesUsed: u.instances.inUse,
        totalCoresUsed: u.cores.inUse,
        totalRAMUsed: u.ram.inUse,
        ...(!v236 && { totalFloatingIpsUsed: 0, totalSecurityGroupsUsed: 0 }),
        totalServerGroupsUsed: u.server_groups.inUse,
      },
    },
  };
}
