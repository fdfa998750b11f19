import { conflictOnDuplicate } from '../../db/errors';
import { AppError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { ZCreateProject, ZTags, ZUpdateProject, type TCreateProject, type TProject, type TUpdateProject } from './identity.dto';
import type { IdentityDeps } from './identity-deps';

/** Keystone's max_project_tree_depth default. */
export const MAX_PROJECT_DEPTH = 5;
/** Keystone's limit on the tags of one project. */
const MAX_TAGS = 80;

export class ProjectsService {
  constructor(private readonly d: IdentityDeps) {}

  async list(ctx: AuthContext, f: { domainId?: string; name?: string; enabled?: boolean; parentId?: string } = {}): Promise<TProject[]> {
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

  /**
   * A top-level project (its parent is its domain), or one under a parent project, in the parent's domain when none is
   * named. As Keystone: a missing parent or domain, a parent in another domain or disabled, are 400s, and a tree is at
   * most MAX_PROJECT_DEPTH projects deep (403).
   */
  async create(ctx: AuthContext, input: TCreateProject): Promise<TProject> {
    enforce(ctx, 'identity:create_project');
    let parent: TProject | null = null;
    let domainId = input.domainId;
    if (input.parentId) {
      parent = await this.d.repo.getProject(input.parentId);
      // a domain is the parent of its top-level projects
      const parentDomain = parent ? null : await this.d.repo.getDomain(input.parentId);
      if (!parent && !parentDomain) throw new AppError('BadRequest', `Could not find project: ${input.parentId}.`);
      const parentsDomainId = parent?.domainId ?? parentDomain!.id;
      domainId ??= parentsDomainId;
      if (parentsDomainId !== domainId) {
        throw new AppError('BadRequest', `Cannot create project, since it specifies its domain_id ${domainId}, but specifies a parent in a different domain (${parentsDomainId}).`);
      }
    }
    const data = ZCreateProject.parse({ ...input, domainId });
    if (!(await this.d.repo.getDomain(data.domainId))) throw new AppError('BadRequest', `Could not find domain: ${data.domainId}.`);
    if (parent) {
      if (!parent.enabled) throw new AppError('BadRequest', 'Cannot create project in a branch containing a disabled project.');
      if ((await this.depthOf(parent)) >= MAX_PROJECT_DEPTH) throw new AppError('Forbidden', `Max hierarchy depth reached for ${parent.id} branch.`);
    }
    return conflictOnDuplicate('project', () => this.d.repo.createProject({ id: newId(), ...data, parentId: parent?.id ?? data.domainId }));
  }

  /** How many projects deep this one sits: 1 for a top-level project. */
  private async depthOf(p: TProject): Promise<number> {
    let depth = 1;
    for (let at: TProject | null = p; at?.parentId && at.parentId !== at.domainId && depth <= MAX_PROJECT_DEPTH; depth++) {
      at = await this.d.repo.getProject(at.parentId);
      if (!at) break;
    }
    return depth;
  }

  async update(ctx: AuthContext, id: string, input: TUpdateProject): Promise<TProject> {
    enforce(ctx, 'identity:update_project', { projectId: id });
    const data = ZUpdateProject.parse(input);
    await this.get(ctx, id);
    if (data.enabled === false && (await this.d.repo.childProjects(id)).some((c) => c.enabled)) {
      throw new AppError('Forbidden', `Cannot disable project ${id} since its subtree contains enabled projects.`);
    }
    const updated = await conflictOnDuplicate('project', () => this.d.repo.updateProject(id, data));
    // disabling a project invalidates every token scoped to it, as Keystone does
    if (data.enabled === false) await this.d.revocations.revokeProject(id);
    this.d.scopes.invalidate();
    return updated;
  }

  // tags (/v3/projects/{id}/tags): read by whoever may read the project, changed by admins

  async listTags(ctx: AuthContext, id: string): Promise<string[]> {
    return (await this.get(ctx, id)).tags;
  }

  async hasTag(ctx: AuthContext, id: string, tag: string): Promise<boolean> {
    return (await this.get(ctx, id)).tags.includes(tag);
  }

  /** Replaces every tag; Keystone refuses duplicates in the list (400). */
  async setTags(ctx: AuthContext, id: string, tags: string[]): Promise<string[]> {
    const parsed = ZTags.parse(tags);
    if (new Set(parsed).size !== parsed.length) throw new AppError('BadRequest', 'Invalid input for field \'tags\': the tags must be unique.');
    return (await this.update(ctx, id, { tags: parsed })).tags;
  }

  /** Adds one tag (nothing changes when the project has it already). */
  async addTag(ctx: AuthContext, id: string, tag: string): Promise<void> {
    enforce(ctx, 'identity:update_project', { projectId: id });
    const tags = await this.listTags(ctx, id);
    if (tags.includes(tag)) return;
    if (tags.length >= MAX_TAGS) throw new AppError('BadRequest', `A project can have at most ${MAX_TAGS} tags.`);
    await this.update(ctx, id, { tags: [...tags, ZTags.element.parse(tag)] });
  }

  async removeTag(ctx: AuthContext, id: string, tag: string): Promise<void> {
    enforce(ctx, 'identity:update_project', { projectId: id });
    const tags = await this.listTags(ctx, id);
    if (!tags.includes(tag)) throw new AppError('NotFound', `Tag ${tag} not found on project ${id}.`);
    await this.update(ctx, id, { tags: tags.filter((t) => t !== tag) });
  }

  async delete(ctx: AuthContext, id: string): Promise<void> {
    enforce(ctx, 'identity:delete_project', { projectId: id });
    await this.get(ctx, id);
    if ((await this.d.repo.childProjects(id)).length > 0) {
      throw new AppError('Forbidden', `Cannot delete the project ${id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`);
    }
    await this.d.repo.deleteProject(id);
    await this.d.revocations.revokeProject(id);
    this.d.scopes.invalidate();
  }
}
