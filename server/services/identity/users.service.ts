import { conflictOnDuplicate } from '../../db/errors';
import { AppError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import { ZCreateUser, ZPassword, ZUpdateUser, type TCreateUser, type TUpdateUser, type TUser } from './identity.dto';
import type { IdentityDeps } from './identity-deps';
import { hashPassword, verifyPassword } from './password';

export class UsersService {
  constructor(private readonly d: IdentityDeps) {}

  async list(ctx: AuthContext, f: { domainId?: string; name?: string; enabled?: boolean } = {}): Promise<TUser[]> {
    enforce(ctx, 'identity:list_users');
    return this.d.repo.listUsers(f);
  }

  /** Non-admins see only themselves; anyone else is "not found". */
  async get(ctx: AuthContext, id: string): Promise<TUser> {
    const user = await this.d.repo.getUser(id);
    if (!user || (!isCloudAdmin(ctx) && ctx.userId !== id)) throw notFound('user', id);
    enforce(ctx, 'identity:get_user', { userId: id, domainId: user.domainId });
    return user;
  }

  async create(ctx: AuthContext, input: TCreateUser): Promise<TUser> {
    enforce(ctx, 'identity:create_user');
    const { password, ...data } = ZCreateUser.parse(input);
    // as Keystone: a user in a domain that does not exist is a 404 (DomainNotFound), not a validation error
    if (!(await this.d.repo.getDomain(data.domainId))) throw notFound('domain', data.domainId);
    await this.checkProject(data.defaultProjectId);
    const passwordHash = password === undefined ? null : await hashPassword(password, this.d.config.PASSWORD_HASH_COST);
    return conflictOnDuplicate('user', () =>
      this.d.repo.createUser({
        id: newId(),
        ...data,
        email: data.email ?? null,
        description: data.description ?? null,
        defaultProjectId: data.defaultProjectId ?? null,
        passwordExpiresAt: null,
        passwordHash,
      }),
    );
  }

  async update(ctx: AuthContext, id: string, input: TUpdateUser): Promise<TUser> {
    enforce(ctx, 'identity:update_user', { userId: id });
    const { password, ...data } = ZUpdateUser.parse(input);
    await this.get(ctx, id);
    await this.checkProject(data.defaultProjectId);
    const passwordHash = password === undefined ? undefined : await hashPassword(password, this.d.config.PASSWORD_HASH_COST);
    const user = await conflictOnDuplicate('user', () => this.d.repo.updateUser(id, { ...data, passwordHash }));
    // a new password or a disabled account ends every session the user had, as in Keystone
    if (passwordHash !== undefined || data.enabled === false) await this.d.revocations.revokeUser(id);
    this.d.scopes.invalidate();
    return user;
  }

  /** A user changes their own password, proving the old one. */
  async changePassword(ctx: AuthContext, id: string, input: { originalPassword: string; password: string }): Promise<void> {
    enforce(ctx, 'identity:change_password', { userId: id });
    const password = ZPassword.parse(input.password);
    const hash = await this.d.repo.getPasswordHash(id);
    if (!hash || !(await verifyPassword(input.originalPassword, hash))) throw new AppError('Unauthorized', 'The original password is not correct.');
    await this.d.repo.updateUser(id, { passwordHash: await hashPassword(password, this.d.config.PASSWORD_HASH_COST) });
    await this.d.revocations.revokeUser(id);
  }

  async delete(ctx: AuthContext, id: string): Promise<void> {
    enforce(ctx, 'identity:delete_user', { userId: id });
    await this.get(ctx, id);
    await this.d.repo.deleteUser(id);
    await this.d.revocations.revokeUser(id);
    this.d.scopes.invalidate();
  }

  private async checkProject(projectId: string | null | undefined) {
    if (projectId && !(await this.d.repo.getProject(projectId))) throw new AppError('BadRequest', `Could not find project: ${projectId}.`);
  }
}
