import { conflictOnDuplicate } from '../../db/errors';
import { AppError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { ZCreateProject, ZUpdateProject, type TCreateProject, type TProject, type TUpdateProject } from './identity.dto';
import type { IdentityDeps } from './identity-deps';

export class ProjectsService {
  constructor(private readonly d: IdentityDeps) {}

  async list(ctx: AuthContext, f: { domainId?: string; name?: string; enabled?: boolean } = {}): Promise<TProject[]> {
    enforce(ctx, 'identity:list_projects');
    return this.d.repo.listProjects(f);
  }

  /** Another project than the caller's is "not found" for non-admins: existence is not disclosed. */
  async get(ctx: AuthContext, id: string): Promise<TProject> {
    const project = await this.d.repo.getProject(id);
    if (!project || (!isCloudAdmin(ctx) && ctx.projectId !== id)) throw notFound('project', id);
    enforce(ctx, 'identity:get_project', { projectId: id, domainId: project.domainId });
    return project;
  }

  /** The projects a user holds a role on (directly or through a group): /v3/users/{id}/projects and /v3/auth/projects. */
  async listForUser(ctx: AuthContext, userId: string): Promise<TProject[]> {
    enforce(ctx, 'identity:list_user_projects', { userId });
    const groups = await this.d.repo.groupIdsOf(userId);
    const actors = [{ type: 'user' as const, id: userId }, ...groups.map((id) => ({ type: 'group' as const, id }))];
    const assignments = await this.d.repo.listAssignments({ actors, targetType: 'project' });
    const projects = await this.d.repo.listProjects({ ids: [...new Set(assignments.map((a) => a.target.id))] });
    return projects.filter((p) => p.enabled);
  }

  async create(ctx: AuthContext, input: TCreateProject): Promise<TProject> {
    enforce(ctx, 'identity:create_project');
    const data = ZCreateProject.parse(input);
    if (!(await this.d.repo.getDomain(data.domainId))) throw new AppError('BadRequest', `Could not find domain: ${data.domainId}.`);
    return conflictOnDuplicate('project', () => this.d.repo.createProject({ id: newId(), parentId: data.domainId, ...data }));
  }

  async update(ctx: AuthContext, id: string, input: TUpdateProject): Promise<TProject> {
    enforce(ctx, 'identity:update_project', { projectId: id });
    const data = ZUpdateProject.parse(input);
    await this.get(ctx, id);
    const updated = await conflictOnDuplicate('project', () => this.d.repo.updateProject(id, data));
    // disabling a project invalidates every token scoped to it, as Keystone does
    if (data.enabled === false) await this.d.revocations.revokeProject(id);
    this.d.scopes.invalidate();
    return updated;
  }

  async delete(ctx: AuthContext, id: string): Promise<void> {
    enforce(ctx, 'identity:delete_project', { projectId: id });
    await this.get(ctx, id);
    await this.d.repo.deleteProject(id);
    await this.d.revocations.revokeProject(id);
    this.d.scopes.invalidate();
  }
}
