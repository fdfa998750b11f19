import { createHash } from 'node:crypto';
import { conflictOnDuplicate } from '../../db/errors';
import { AppError, notFound } from '../../lib/errors';
import { newId, randomToken } from '../../lib/ids';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { ZCreateAppCredential, type TAppCredential, type TCreateAppCredential, type TEc2Credential } from './identity.dto';
import type { IdentityDeps } from './identity-deps';
import { hashPassword } from './password';

/** Application credentials and EC2 access/secret pairs: what a user hands to scripts and tools instead of a password. */
export class CredentialsService {
  constructor(private readonly d: IdentityDeps) {}

  /** Delegates (a subset of) the caller's roles on the current project; the secret is shown only in this answer. */
  async createAppCredential(ctx: AuthContext, userId: string, input: TCreateAppCredential): Promise<TAppCredential & { secret: string }> {
    this.visibleUser(ctx, userId);
    enforce(ctx, 'identity:create_application_credential', { userId });
    const data = ZCreateAppCredential.parse(input);
    if (!ctx.projectId) throw new AppError('BadRequest', 'Application credentials are created with a project-scoped token.');
    if (ctx.appCredentialId) throw new AppError('Forbidden', 'An application credential cannot create another one.');
    const roleIds = data.roleIds ?? ctx.roles.map((r) => r.id);
    const missing = roleIds.filter((id) => !ctx.roles.some((r) => r.id === id));
    if (missing.length) throw new AppError('Forbidden', `You cannot delegate roles you do not hold: ${missing.join(', ')}.`);
    const secret = data.secret ?? randomToken(48);
    const created = await conflictOnDuplicate('application credential', async () =>
      this.d.credentials.createAppCredential({
        id: newId(),
        name: data.name,
        description: data.description,
        userId,
        projectId: ctx.projectId!,
        secretHash: await hashPassword(secret, this.d.config.PASSWORD_HASH_COST),
        roleIds,
        unrestricted: data.unrestricted,
        expiresAt: data.expiresAt ?? null,
      }),
    );
    return { ...(await this.view(created)), secret };
  }

  async listAppCredentials(ctx: AuthContext, userId: string, name?: string): Promise<TAppCredential[]> {
    this.visibleUser(ctx, userId);
    enforce(ctx, 'identity:list_application_credentials', { userId });
    return Promise.all((await this.d.credentials.listAppCredentials(userId, name)).map((c) => this.view(c)));
  }

  async getAppCredential(ctx: AuthContext, userId: string, id: string): Promise<TAppCredential> {
    this.visibleUser(ctx, userId);
    enforce(ctx, 'identity:get_application_credential', { userId });
    const c = await this.d.credentials.getAppCredential(id);
    if (!c || c.userId !== userId) throw notFound('application credential', id);
    return this.view(c);
  }

  async deleteAppCredential(ctx: AuthContext, userId: string, id: string): Promise<void> {
    this.visibleUser(ctx, userId);
    enforce(ctx, 'identity:delete_application_credential', { userId });
    await this.getAppCredential(ctx, userId, id);
    // tokens issued from it die with it (token.service finds no credential, so no roles), the user's other sessions live on
    await this.d.credentials.deleteAppCredential(id);
  }

  async createEc2(ctx: AuthContext, userId: string, projectId: string): Promise<TEc2Credential> {
    this.visibleUser(ctx, userId);
    enforce(ctx, 'identity:ec2_create_credential', { userId });
    const roles = await this.d.scopes.effectiveRoles(userId, { type: 'project', id: projectId });
    if (roles.length === 0) throw new AppError('Forbidden', `User ${userId} has no role on project ${projectId}.`);
    const access = randomToken(16).replace(/[-_]/g, 'x');
    return this.d.credentials.createEc2({ id: ec2CredentialId(access), access, secret: randomToken(24), userId, projectId });
  }

  async listEc2(ctx: AuthContext, userId: string): Promise<TEc2Credential[]> {
    this.visibleUser(ctx, userId);
    enforce(ctx, 'identity:ec2_list_credentials', { userId });
    return this.d.credentials.listEc2(userId);
  }

  async getEc2(ctx: AuthContext, userId: string, access: string): Promise<TEc2Credential> {
    this.visibleUser(ctx, userId);
    enforce(ctx, 'identity:ec2_get_credential', { userId });
    const c = await this.d.credentials.getEc2ByAccess(access);
    if (!c || c.userId !== userId) throw notFound('credential', access);
    return c;
  }

  async deleteEc2(ctx: AuthContext, userId: string, access: string): Promise<void> {
    this.visibleUser(ctx, userId);
    enforce(ctx, 'identity:ec2_delete_credential', { userId });
    if (!(await this.d.credentials.deleteEc2(userId, access))) throw notFound('credential', access);
  }

  // the generic credentials API (/v3/credentials), over the same EC2 pairs: Cumulo keeps no other type

  async createCredential(ctx: AuthContext, c: { userId: string; projectId?: string | null; type: string; blob: string }): Promise<TEc2Credential> {
    enforce(ctx, 'identity:create_credential', { userId: c.userId });
    const { access, secret } = ec2Blob(c.type, c.blob);
    if (!c.projectId) throw new AppError('BadRequest', 'Invalid input for field \'project_id\': an ec2 credential needs a project.');
    if (!(await this.d.repo.getUser(c.userId))) throw new AppError('BadRequest', `Could not find user: ${c.userId}.`);
    if (!(await this.d.repo.getProject(c.projectId))) throw new AppError('BadRequest', `Could not find project: ${c.projectId}.`);
    // as for OS-EC2 (createEc2): a user makes keys only for a project they hold a role on; an admin for anyone
    if (!isCloudAdmin(ctx) && (await this.d.scopes.effectiveRoles(c.userId, { type: 'project', id: c.projectId })).length === 0) {
      throw new AppError('Forbidden', `User ${c.userId} has no role on project ${c.projectId}.`);
    }
    return conflictOnDuplicate('credential', () =>
      this.d.credentials.createEc2({ id: ec2CredentialId(access), access, secret, userId: c.userId, projectId: c.projectId! }),
    );
  }

  /** Admins see every credential (or one user's); anyone else their own. */
  async listCredentials(ctx: AuthContext, f: { userId?: string; type?: string }): Promise<TEc2Credential[]> {
    const userId = isCloudAdmin(ctx) ? f.userId : ctx.userId;
    enforce(ctx, 'identity:list_credentials', { userId: userId ?? ctx.userId });
    if (f.type !== undefined && f.type !== 'ec2') return [];
    if (f.userId !== undefined && f.userId !== userId) return [];
    return this.d.credentials.findEc2({ userId });
  }

  async getCredential(ctx: AuthContext, id: string): Promise<TEc2Credential> {
    const c = await this.d.credentials.getEc2ById(id);
    if (!c || (!isCloudAdmin(ctx) && c.userId !== ctx.userId)) throw notFound('credential', id);
    enforce(ctx, 'identity:get_credential', { userId: c.userId });
    return c;
  }

  async updateCredential(ctx: AuthContext, id: string, u: { userId?: string; projectId?: string | null; type?: string; blob?: string }): Promise<TEc2Credential> {
    const c = await this.getCredential(ctx, id);
    enforce(ctx, 'identity:update_credential', { userId: c.userId });
    if (u.type !== undefined && u.type !== 'ec2') throw new AppError('BadRequest', 'Invalid input for field \'type\': an ec2 credential stays one.');
    const keys = u.blob === undefined ? {} : ec2Blob('ec2', u.blob);
    if (u.projectId === null) throw new AppError('BadRequest', 'Invalid input for field \'project_id\': an ec2 credential needs a project.');
    if (u.projectId !== undefined && !(await this.d.repo.getProject(u.projectId))) throw new AppError('BadRequest', `Could not find project: ${u.projectId}.`);
    if (u.projectId !== undefined && !isCloudAdmin(ctx) && (await this.d.scopes.effectiveRoles(c.userId, { type: 'project', id: u.projectId })).length === 0) {
      throw new AppError('Forbidden', `User ${c.userId} has no role on project ${u.projectId}.`);
    }
    if (u.userId !== undefined && u.userId !== c.userId) {
      if (!isCloudAdmin(ctx)) throw new AppError('Forbidden', 'Only an admin moves a credential to another user.');
      if (!(await this.d.repo.getUser(u.userId))) throw new AppError('BadRequest', `Could not find user: ${u.userId}.`);
    }
    // as Keystone: the id stays what it was, even when the access key changes
    return conflictOnDuplicate('credential', () => this.d.credentials.updateEc2(id, { ...keys, projectId: u.projectId ?? undefined, userId: u.userId }));
  }

  async deleteCredential(ctx: AuthContext, id: string): Promise<void> {
    const c = await this.getCredential(ctx, id);
    enforce(ctx, 'identity:delete_credential', { userId: c.userId });
    if (!(await this.d.credentials.deleteEc2ById(id))) throw notFound('credential', id);
  }

  /** Another user's credentials are "not found" to a non-admin, as the user itself is (users.service#get). */
  private visibleUser(ctx: AuthContext, userId: string) {
    if (!isCloudAdmin(ctx) && ctx.userId !== userId) throw notFound('user', userId);
  }

  private async view(c: Omit<TAppCredential, 'roles'> & { roleIds: string[] }): Promise<TAppCredential> {
    const roles = await this.d.repo.listRoles({});
    const { roleIds, ...rest } = c;
    return { ...rest, roles: roles.filter((r) => roleIds.includes(r.id)).map((r) => ({ id: r.id, name: r.name })) };
  }
}

/** The access and secret of an EC2 credential's blob (a JSON string); 400 for any other type or shape. */
function ec2Blob(type: string, blob: string): { access: string; secret: string } {
  if (type !== 'ec2') throw new AppError('BadRequest', `Invalid input for field 'type': only ec2 credentials are supported, not ${type}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(blob);
  } catch {
    throw new AppError('BadRequest', "Invalid input for field 'blob': an ec2 credential's blob must be JSON.");
  }
  const { access, secret } = (parsed ?? {}) as { access?: unknown; secret?: unknown };
  const ok = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 255;
  if (!ok(access) || !ok(secret)) throw new AppError('BadRequest', "Invalid input for field 'blob': an ec2 credential's blob needs an access and a secret.");
  return { access, secret };
}

/** Keystone names an EC2 credential by the sha256 of its access key. */
export const ec2CredentialId = (access: string) => createHash('sha256').update(access).digest('hex');
