import { conflictOnDuplicate } from '../../db/errors';
import { AppError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { ZCreateRole, type TCreateRole, type TRole, type TRoleAssignment } from './identity.dto';
import type { IdentityDeps } from './identity-deps';
import type { ActorRef, TargetRef } from './identity.repository';
import { withImpliedRoles } from './implied-roles';

export type TAssignmentFilter = {
  userId?: string;
  groupId?: string;
  projectId?: string;
  domainId?: string;
  roleId?: string;
  /** Keystone's ?effective: group assignments expanded to their members, implied roles added. */
  effective?: boolean;
};

/** Roles, and who holds them where (grants and role assignments). */
export class RolesService {
  constructor(private readonly d: IdentityDeps) {}

  async list(ctx: AuthContext, f: { name?: string } = {}): Promise<TRole[]> {
    enforce(ctx, 'identity:list_roles');
    return this.d.repo.listRoles(f);
  }

  async get(ctx: AuthContext, id: string): Promise<TRole> {
    enforce(ctx, 'identity:get_role');
    return (await this.d.repo.getRole(id)) ?? Promise.reject(notFound('role', id));
  }

  async create(ctx: AuthContext, input: TCreateRole): Promise<TRole> {
    enforce(ctx, 'identity:create_role');
    const data = ZCreateRole.parse(input);
    return conflictOnDuplicate('role', () => this.d.repo.createRole({ id: newId(), ...data }));
  }

  async update(ctx: AuthContext, id: string, input: Partial<TCreateRole>): Promise<TRole> {
    enforce(ctx, 'identity:update_role');
    const data = ZCreateRole.partial().parse(input);
    await this.get(ctx, id);
    const role = await conflictOnDuplicate('role', () => this.d.repo.updateRole(id, data));
    this.d.scopes.invalidate();
    return role;
  }

  async delete(ctx: AuthContext, id: string): Promise<void> {
    enforce(ctx, 'identity:delete_role');
    await this.get(ctx, id);
    // as in Keystone, no revocation event: every token's roles are computed again when it is used (token.service)
    await this.d.repo.deleteRole(id);
    this.d.scopes.invalidate();
  }

  async grant(ctx: AuthContext, actor: ActorRef, target: TargetRef, roleId: string): Promise<void> {
    enforce(ctx, 'identity:create_grant');
    await this.requireParts(ctx, actor, target, roleId);
    await this.d.repo.grant(actor, target, roleId);
    this.d.scopes.invalidate();
  }

  async revoke(ctx: AuthContext, actor: ActorRef, target: TargetRef, roleId: string): Promise<void> {
    enforce(ctx, 'identity:revoke_grant');
    await this.requireParts(ctx, actor, target, roleId);
    if (!(await this.d.repo.revoke(actor, target, roleId))) throw new AppError('NotFound', `Could not find role assignment of role ${roleId}.`);
    // tokens carrying the role lose it now, not when they expire: a token's roles are computed again whenever it is
    // used, and a scoped token left without any role is refused (token.service). As in Keystone, the holder's other
    // tokens (other projects, other roles) live on.
    this.d.scopes.invalidate();
  }

  async check(ctx: AuthContext, actor: ActorRef, target: TargetRef, roleId: string): Promise<boolean> {
    enforce(ctx, 'identity:check_grant');
    await this.requireParts(ctx, actor, target, roleId);
    return (await this.d.repo.listAssignments({ actors: [actor], target, roleId })).length > 0;
  }

  async listGrants(ctx: AuthContext, actor: ActorRef, target: TargetRef): Promise<TRole[]> {
    enforce(ctx, 'identity:list_grants');
    const rows = await this.d.repo.listAssignments({ actors: [actor], target });
    const roles = await this.d.repo.listRoles({});
    return roles.filter((r) => rows.some((a) => a.roleId === r.id));
  }

  async listAssignments(ctx: AuthContext, f: TAssignmentFilter): Promise<TRoleAssignment[]> {
    enforce(ctx, 'identity:list_role_assignments');
    if (f.projectId && f.domainId) throw new AppError('BadRequest', 'Specify at most one of scope.project.id and scope.domain.id.');
    const target: TargetRef | undefined = f.projectId ? { type: 'project', id: f.projectId } : f.domainId ? { type: 'domain', id: f.domainId } : undefined;
    let actors: ActorRef[] | undefined;
    if (f.groupId) actors = [{ type: 'group', id: f.groupId }];
    if (f.userId) {
      actors = [{ type: 'user', id: f.userId }];
      if (f.effective) actors.push(...(await this.d.repo.groupIdsOf(f.userId)).map((id) => ({ type: 'group' as const, id })));
    }
    const rows = await this.d.repo.listAssignments({ actors, target, roleId: f.effective ? undefined : f.roleId });
    if (!f.effective) return rows;
    const expanded = await this.expand(rows);
    return f.roleId ? expanded.filter((a) => a.roleId === f.roleId) : expanded;
  }

  /** Group assignments become one per member; each assignment brings the roles its role implies. */
  private async expand(rows: TRoleAssignment[]): Promise<TRoleAssignment[]> {
    const roles = await this.d.repo.listRoles({});
    const out = new Map<string, TRoleAssignment>();
    for (const a of rows) {
      const users = a.actor.type === 'user' ? [a.actor.id] : (await this.d.repo.listMembers(a.actor.id)).map((u) => u.id);
      const direct = roles.filter((r) => r.id === a.roleId);
      for (const role of withImpliedRoles(direct, (n) => roles.find((r) => r.name === n))) {
        for (const userId of users) {
          const e: TRoleAssignment = { roleId: role.id, roleName: role.name, actor: { type: 'user', id: userId }, target: a.target };
          out.set(`${userId}|${a.target.type}|${a.target.id}|${role.id}`, e);
        }
      }
    }
    return [...out.values()];
  }

  private async requireParts(ctx: AuthContext, actor: ActorRef, target: TargetRef, roleId: string) {
    if (!(await this.d.repo.getRole(roleId))) throw notFound('role', roleId);
    const actorExists = actor.type === 'user' ? await this.d.repo.getUser(actor.id) : await this.d.repo.getGroup(actor.id);
    if (!actorExists) throw notFound(actor.type, actor.id);
    const targetExists = target.type === 'project' ? await this.d.repo.getProject(target.id) : await this.d.repo.getDomain(target.id);
    if (!targetExists) throw notFound(target.type, target.id);
  }
}
