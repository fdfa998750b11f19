import type { TokenScope } from '../../policy/auth-context';
import type { IdentityRepository } from './identity.repository';
import type { TRole, TUser } from './identity.dto';
import { withImpliedRoles } from './implied-roles';

export type ResolvedScope = {
  user: TUser & { domainName: string };
  scope: TokenScope;
  /** Effective roles on the scope (direct, through groups, and implied); empty for an unscoped token. */
  roles: { id: string; name: string }[];
};

type Entry = { at: number; value: Promise<ResolvedScope | null> };

/**
 * Everything a token's scope stands for: names, enabled flags and effective roles. Cached briefly per
 * (user, scope) because every API call needs it; changes to assignments clear the cache of this process, and
 * other processes see them within `ttlMs`.
 */
export class ScopeResolver {
  private cache = new Map<string, Entry>();

  constructor(
    private readonly repo: IdentityRepository,
    private readonly ttlMs = 2000,
  ) {}

  invalidate() {
    this.cache.clear();
    this.rolesCache = null;
  }

  resolve(userId: string, scope: { projectId?: string; domainId?: string }): Promise<ResolvedScope | null> {
    const key = `${userId}|${scope.projectId ?? ''}|${scope.domainId ?? ''}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = this.load(userId, scope);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { at: Date.now(), value });
    value.catch(() => this.cache.delete(key));
    return value;
  }

  /** Null when the user, the project or a domain is missing or disabled. */
  private async load(userId: string, s: { projectId?: string; domainId?: string }): Promise<ResolvedScope | null> {
    const user = await this.repo.getUser(userId);
    if (!user?.enabled) return null;
    const userDomain = await this.repo.getDomain(user.domainId);
    if (!userDomain?.enabled) return null;
    const resolvedUser = { ...user, domainName: userDomain.name };
    if (!s.projectId && !s.domainId) return { user: resolvedUser, scope: { type: 'unscoped' }, roles: [] };

    let scope: TokenScope;
    let target: { type: 'project' | 'domain'; id: string };
    if (s.projectId) {
      const project = await this.repo.getProject(s.projectId);
      const domain = project && (await this.repo.getDomain(project.domainId));
      if (!project?.enabled || !domain?.enabled) return null;
      scope = { type: 'project', projectId: project.id, projectName: project.name, domainId: domain.id, domainName: domain.name };
      target = { type: 'project', id: project.id };
    } else {
      const domain = await this.repo.getDomain(s.domainId!);
      if (!domain?.enabled) return null;
      scope = { type: 'domain', domainId: domain.id, domainName: domain.name };
      target = { type: 'domain', id: domain.id };
    }
    const roles = await this.effectiveRoles(userId, target);
    return { user: resolvedUser, scope, roles };
  }

  async effectiveRoles(userId: string, target: { type: 'project' | 'domain'; id: string }): Promise<TRole[]> {
    const groups = await this.repo.groupIdsOf(userId);
    const actors = [{ type: 'user' as const, id: userId }, ...groups.map((id) => ({ type: 'group' as const, id }))];
    const assigned = await this.repo.listAssignments({ actors, target });
    const all = await this.allRoles();
    const direct = [...new Set(assigned.map((a) => a.roleId))].map((id) => all.find((r) => r.id === id)).filter((r): r is TRole => !!r);
    return withImpliedRoles(direct, (name) => all.find((r) => r.name === name));
  }

  private rolesCache: { at: number; value: Promise<TRole[]> } | null = null;
  private allRoles() {
    if (!this.rolesCache || Date.now() - this.rolesCache.at > this.ttlMs) this.rolesCache = { at: Date.now(), value: this.repo.listRoles({}) };
    return this.rolesCache.value;
  }
}
