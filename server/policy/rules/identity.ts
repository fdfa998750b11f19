import type { PolicyRule } from '../policy';
import { admin, anyOf, anyone, owner, projectReader } from './common';

/** The target domain is the one the token is scoped to, or the domain of the project it is scoped to (Keystone's
 * `token.domain.id:%(target.domain.id)s or token.project.domain.id:%(target.domain.id)s`). */
const tokenDomain: PolicyRule = (ctx, t) => t.domainId !== undefined && ctx.scope.type !== 'unscoped' && ctx.scope.domainId === t.domainId;

/** Keystone's defaults, reduced to the roles Cumulo has: admin manages identity, everyone manages their own things. */
export const identityRules: Record<string, PolicyRule> = {
  'identity:validate_token': anyOf(admin, owner),
  'identity:revoke_token': anyOf(admin, owner),
  'identity:get_catalog': anyone,
  'identity:list_services': anyone,
  'identity:list_endpoints': anyone,
  'identity:list_regions': anyone,
  'identity:get_service': admin,
  'identity:create_service': admin,
  'identity:update_service': admin,
  'identity:delete_service': admin,
  'identity:get_endpoint': admin,
  'identity:create_endpoint': admin,
  'identity:update_endpoint': admin,
  'identity:delete_endpoint': admin,
  'identity:get_region': anyone,
  'identity:create_region': admin,
  'identity:update_region': admin,
  'identity:delete_region': admin,

  'identity:list_domains': admin,
  'identity:get_domain': anyOf(admin, tokenDomain),
  'identity:create_domain': admin,
  'identity:update_domain': admin,
  'identity:delete_domain': admin,

  'identity:list_projects': admin,
  'identity:get_project': anyOf(admin, projectReader),
  'identity:create_project': admin,
  'identity:update_project': admin,
  'identity:delete_project': admin,
  'identity:list_user_projects': anyOf(admin, owner),

  'identity:list_users': admin,
  'identity:get_user': anyOf(admin, owner),
  'identity:create_user': admin,
  'identity:update_user': admin,
  'identity:delete_user': admin,
  'identity:change_password': anyOf(admin, owner),

  'identity:list_groups': admin,
  'identity:get_group': admin,
  'identity:create_group': admin,
  'identity:update_group': admin,
  'identity:delete_group': admin,
  'identity:list_users_in_group': admin,
  'identity:add_user_to_group': admin,
  'identity:remove_user_from_group': admin,
  'identity:check_user_in_group': admin,
  'identity:list_groups_for_user': anyOf(admin, owner),

  'identity:list_roles': admin,
  'identity:get_role': admin,
  'identity:create_role': admin,
  'identity:update_role': admin,
  'identity:delete_role': admin,
  'identity:list_role_assignments': admin,
  'identity:create_grant': admin,
  'identity:revoke_grant': admin,
  'identity:check_grant': admin,
  'identity:list_grants': admin,

  'identity:create_application_credential': owner,
  'identity:list_application_credentials': anyOf(admin, owner),
  'identity:get_application_credential': anyOf(admin, owner),
  'identity:delete_application_credential': anyOf(admin, owner),

  'identity:create_credential': anyOf(admin, owner),
  'identity:list_credentials': anyOf(admin, owner),
  'identity:get_credential': anyOf(admin, owner),
  'identity:update_credential': anyOf(admin, owner),
  'identity:delete_credential': anyOf(admin, owner),

  'identity:ec2_create_credential': anyOf(admin, owner),
  'identity:ec2_list_credentials': anyOf(admin, owner),
  'identity:ec2_get_credential': anyOf(admin, owner),
  'identity:ec2_delete_credential': anyOf(admin, owner),

  'identity:get_quotas': anyOf(admin, projectReader),
  'identity:update_quotas': admin,
};
