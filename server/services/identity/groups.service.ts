import { conflictOnDuplicate } from '../../db/errors';
import { AppError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { ZCreateGroup, ZUpdateGroup, type TCreateGroup, type TGroup, type TUser } from './identity.dto';
import type { IdentityDeps } from './identity-deps';

export class GroupsService {
  constructor(private readonly d: IdentityDeps) {}

  async list(ctx: AuthContext, f: { domainId?: string; name?: string } = {}): Promise<TGroup[]> {
    enforce(ctx, 'identity:list_groups');
    return this.d.repo.listGroups(f);
  }

  async listForUser(ctx: AuthContext, userId: string): Promise<TGroup[]> {
    enforce(ctx, 'identity:list_groups_for_user', { userId });
    return this.d.repo.listGroups({ userId });
  }

  async get(ctx: AuthContext, id: string): Promise<TGroup> {
    enforce(ctx, 'identity:get_group');
    return (await this.d.repo.getGroup(id)) ?? Promise.reject(notFound('group', id));
  }

  async create(ctx: AuthContext, input: TCreateGroup): Promise<TGroup> {
    enforce(ctx, 'identity:create_group');
    const data = ZCreateGroup.parse(input);
    // as Keystone: a group in a domain that does not exist is a 404 (DomainNotFound), not a validation error
    if (!(await this.d.repo.getDomain(data.domainId))) throw notFound('domain', data.domainId);
    return conflictOnDuplicate('group', () => this.d.repo.createGroup({ id: newId(), ...data }));
  }

  async update(ctx: AuthContext, id: string, input: Partial<TCreateGroup>): Promise<TGroup> {
    enforce(ctx, 'identity:update_group');
    const data = ZUpdateGroup.parse(input);
    await this.get(ctx, id);
    return conflictOnDuplicate('group', () => this.d.repo.updateGroup(id, data));
  }

  async delete(ctx: AuthContext, id: string): Promise<void> {
    enforce(ctx, 'identity:delete_group');
    await this.get(ctx, id);
    await this.d.repo.deleteGroup(id);
    this.d.scopes.invalidate();
  }

  async listMembers(ctx: AuthContext, id: string): Promise<TUser[]> {
    enforce(ctx, 'identity:list_users_in_group');
    await this.get(ctx, id);
    return this.d.repo.listMembers(id);
  }

  async addMember(ctx: AuthContext, groupId: string, userId: string): Promise<void> {
    enforce(ctx, 'identity:add_user_to_group');
    await this.requireBoth(ctx, groupId, userId);
    await this.d.repo.addMember(groupId, userId);
    this.d.scopes.invalidate();
  }

  async removeMember(ctx: AuthContext, groupId: string, userId: string): Promise<void> {
    enforce(ctx, 'identity:remove_user_from_group');
    await this.requireBoth(ctx, groupId, userId);
    if (!(await this.d.repo.removeMember(groupId, userId))) throw new AppError('NotFound', `User ${userId} is not a member of group ${groupId}.`);
    // roles held through the group are gone: tokens relying on them must not outlive the change
    await this.d.revocations.revokeUser(userId);
    this.d.scopes.invalidate();
  }

  async isMember(ctx: AuthContext, groupId: string, userId: string): Promise<boolean> {
    enforce(ctx, 'identity:check_user_in_group');
    await this.requireBoth(ctx, groupId, userId);
    return this.d.repo.isMember(groupId, userId);
  }

  private async requireBoth(ctx: AuthContext, groupId: string, userId: string) {
    await this.get(ctx, groupId);
    if (!(await this.d.repo.getUser(userId))) throw notFound('user', userId);
  }
}
