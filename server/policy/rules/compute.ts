import type { PolicyRule } from '../policy';
import { admin, anyOf, anyone, owner, projectMember, projectReader } from './common';

/**
 * Nova's secure-RBAC defaults, keyed by Nova's policy names. Servers belong to projects: reads need a reader of the
 * owning project, changes a member; hosts, hypervisors and flavor management are for admins. Key pairs belong to
 * users: their owner (or an admin) manages them.
 */
const readers = anyOf(admin, projectReader);
const members = anyOf(admin, projectMember);
const ownerOrAdmin = anyOf(admin, owner);

const serverActions = [
  'servers:index',
  'servers:detail',
  'servers:show',
  'servers:create',
  'servers:update',
  'servers:delete',
  'servers:start',
  'servers:stop',
  'servers:reboot',
  'servers:rebuild',
  'servers:resize',
  'servers:confirm_resize',
  'servers:revert_resize',
  'os-pause-server:pause',
  'os-pause-server:unpause',
  'os-suspend-server:suspend',
  'os-suspend-server:resume',
  'os-lock-server:lock',
  'os-lock-server:unlock',
  'os-console-output',
  'server-metadata:index',
  'server-metadata:show',
  'server-metadata:create',
  'server-metadata:update',
  'server-metadata:update_all',
  'server-metadata:delete',
  'os-server-groups:create',
  'os-server-groups:delete',
] as const;
const serverReads = new Set<string>([
  'servers:index',
  'servers:detail',
  'servers:show',
  'server-metadata:index',
  'server-metadata:show',
  'os-instance-actions:list',
  'os-instance-actions:show',
  'os-server-groups:index',
  'os-server-groups:show',
  'os-availability-zone:list',
  'limits',
  'os-quota-sets:show',
  'os-quota-sets:detail',
  'os-quota-sets:defaults',
]);

export const computeRules: Record<string, PolicyRule> = {
  ...Object.fromEntries(serverActions.map((a) => [`os_compute_api:${a}`, serverReads.has(a) ? readers : members])),
  ...Object.fromEntries([...serverReads].map((a) => [`os_compute_api:${a}`, readers])),
  // seeing the host, other projects' servers, events' tracebacks and forcing a host are operator business
  'os_compute_api:servers:index:get_all_tenants': admin,
  'os_compute_api:servers:detail:get_all_tenants': admin,
  'os_compute_api:os-server-groups:index:all_projects': admin,
  'os_compute_api:servers:show:host_status': admin,
  'os_compute_api:servers:create:forced_host': admin,
  'os_compute_api:os-extended-server-attributes': admin,
  'os_compute_api:os-instance-actions:events': readers,
  'os_compute_api:os-instance-actions:events:details': admin,
  'os_compute_api:os-lock-server:unlock:unlock_override': admin,

  // flavors: everyone lists what they may use; admins manage them
  'os_compute_api:flavors:index': anyone,
  'os_compute_api:flavors:show': anyone,
  'os_compute_api:os-flavor-manage:create': admin,
  'os_compute_api:os-flavor-manage:update': admin,
  'os_compute_api:os-flavor-manage:delete': admin,
  'os_compute_api:os-flavor-extra-specs:index': anyone,
  'os_compute_api:os-flavor-extra-specs:show': anyone,
  'os_compute_api:os-flavor-extra-specs:create': admin,
  'os_compute_api:os-flavor-extra-specs:update': admin,
  'os_compute_api:os-flavor-extra-specs:delete': admin,
  'os_compute_api:os-flavor-access': admin,
  'os_compute_api:os-flavor-access:add_tenant_access': admin,
  'os_compute_api:os-flavor-access:remove_tenant_access': admin,

  // key pairs: target is { userId } of the key's owner
  'os_compute_api:os-keypairs:index': ownerOrAdmin,
  'os_compute_api:os-keypairs:show': ownerOrAdmin,
  'os_compute_api:os-keypairs:create': ownerOrAdmin,
  'os_compute_api:os-keypairs:delete': ownerOrAdmin,

  // the cloud's hosts
  'os_compute_api:os-availability-zone:detail': admin,
  'os_compute_api:os-hypervisors:list': admin,
  'os_compute_api:os-hypervisors:list-detail': admin,
  'os_compute_api:os-hypervisors:show': admin,
  'os_compute_api:os-hypervisors:statistics': admin,
  'os_compute_api:os-services:list': admin,
  'os_compute_api:os-services:update': admin,
  'os_compute_api:os-services:delete': admin,
  'os_compute_api:os-quota-sets:update': admin,
  'os_compute_api:os-quota-sets:delete': admin,
  'os_compute_api:os-hypervisors:uptime': admin,
  'os_compute_api:limits:other_project': admin,
  'os_compute_api:os-quota-class-sets:show': admin,
  'os_compute_api:os-quota-class-sets:update': admin,
  'os_compute_api:os-aggregates:index': admin,

  // usage: a project's readers see its own; the report across projects is the operator's
  'os_compute_api:os-simple-tenant-usage:show': readers,
  'os_compute_api:os-simple-tenant-usage:list': admin,
};
