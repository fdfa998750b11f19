import { conflictOnDuplicate } from '../../db/errors';
import { AppError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { ZCreateDomain, ZUpdateDomain, type TCreateDomain, type TDomain } from './identity.dto';
import type { IdentityDeps } from './identity-deps';

export class DomainsService {
  constructor(private readonly d: IdentityDeps) {}

  async list(ctx: AuthContext, f: { name?: string; enabled?: boolean } = {}): Promise<TDomain[]> {
    enforce(ctx, 'identity:list_domains');
    return this.d.repo.listDomains(f);
  }

  /** The domains the caller holds a role on, directly or through a group (/v3/auth/domains). */
  async listForUser(ctx: AuthContext): Promise<TDomain[]> {
    const groups = await this.d.repo.groupIdsOf(ctx.userId);
    const actors = [{ type: 'user' as const, id: ctx.userId }, ...groups.map((id) => ({ type: 'group' as const, id }))];
    const ids = new Set((await this.d.repo.listAssignments({ actors, targetType: 'domain' })).map((a) => a.target.id));
    const domains = await Promise.all([...ids].map((id) => this.d.repo.getDomain(id)));
    return domains.filter((d): d is TDomain => !!d?.enabled);
  }

  async get(ctx: AuthContext, id: string): Promise<TDomain> {
    enforce(ctx, 'identity:get_domain', { domainId: id });
    return (await this.d.repo.getDomain(id)) ?? Promise.reject(notFound('domain', id));
  }

  async create(ctx: AuthContext, input: TCreateDomain): Promise<TDomain> {
    enforce(ctx, 'identity:create_domain');
    const data = ZCreateDomain.parse(input);
    return conflictOnDuplicate('domain', () => this.d.repo.createDomain({ id: newId(), ...data }));
  }

  async update(ctx: AuthContext, id: string, input: Partial<TCreateDomain>): Promise<TDomain> {
    enforce(ctx, 'identity:update_domain', { domainId: id });
    const data = ZUpdateDomain.parse(input);
    await this.get(ctx, id);
    return conflictOnDuplicate('domain', () => this.d.repo.updateDomain(id, data));
  }

  /**
   * As in Keystone: a domain must be disabled first; deleting it deletes what it holds (projects, users, groups and
   * their role assignments), and every token of its users or scoped to its projects ends with it.
   */
  async delete(ctx: AuthContext, id: string): Promise<void> {
    enforce(ctx, 'identity:delete_domain', { domainId: id });
    const domain = await this.get(ctx, id);
    if (domain.enabled) throw new AppError('Forbidden', 'Cannot delete a domain that is enabled, please disable it first.');
    const gone = await this.d.repo.deleteDomainCascade(id);
    for (const userId of gone.userIds) await this.d.revocations.revokeUser(userId);
    for (const projectId of gone.projectIds) await this.d.revocations.revokeProject(projectId);
    this.d.scopes.invalidate();
  }
}
