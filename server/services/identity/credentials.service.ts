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

/** Keystone names an EC2 credential by the sha256 of its access key. */
export const ec2CredentialId = (access: string) => createHash('sha256').update(access).digest('hex');
