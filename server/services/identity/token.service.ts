import type { Config } from '../../config/env';
import { AppError } from '../../lib/errors';
import { randomToken } from '../../lib/ids';
import type { AuthContext } from '../../policy/auth-context';
import { enforce } from '../../policy/policy';
import type { CredentialsRepository } from './credentials.repository';
import type { IdentityRepository } from './identity.repository';
import { withImpliedRoles } from './implied-roles';
import { LoginThrottle } from './login-throttle';
import { dummyPasswordHash, verifyPassword } from './password';
import type { RevocationList } from './revocation-list';
import type { ScopeResolver } from './scope-resolver';
import { decodeToken, encodeToken, type SigningKeys, type TTokenPayload } from './token-codec';

export type NameOrId = { id?: string; name?: string; domain?: { id?: string; name?: string } };
export type TAuthRequest = {
  methods: string[];
  password?: { user: NameOrId; password: string };
  token?: { id: string };
  applicationCredential?: { id?: string; name?: string; user?: NameOrId; secret: string };
  /** 'unscoped' asks explicitly for no scope; undefined means "the user's default project, if any". */
  scope?: { project?: NameOrId; domain?: { id?: string; name?: string }; system?: { all: boolean } } | 'unscoped';
};

const UNAUTHORIZED = 'The request you have made requires authentication.';

/** Issues, validates and revokes tokens. Every other service receives the AuthContext built here. */
export class TokenService {
  private throttle = new LoginThrottle();

  constructor(
    private readonly config: Config,
    private readonly identity: IdentityRepository,
    private readonly credentials: CredentialsRepository,
    private readonly keys: SigningKeys,
    private readonly revocations: RevocationList,
    private readonly scopes: ScopeResolver,
  ) {}

  async authenticate(req: TAuthRequest, requestId: string): Promise<AuthContext> {
    const { userId, parent, appCredential } = await this.identify(req);
    const scope = appCredential
      ? { projectId: appCredential.projectId }
      : await this.requestedScope(req.scope, userId, parent);
    const now = Date.now();
    const payload: Omit<TTokenPayload, 'k'> = {
      u: userId,
      // as in Keystone, a rescoped token keeps the methods that proved the identity in the first place
      m: parent ? [...new Set([...req.methods, ...parent.m])] : req.methods,
      p: scope.projectId,
      d: scope.domainId,
      iat: now,
      // a rescoped token never outlives the token it came from
      exp: Math.min(now + this.config.TOKEN_TTL_SECONDS * 1000, parent?.exp ?? Infinity, appCredential?.expiresAt?.getTime() ?? Infinity),
      a: randomToken(16),
      // the chain's first audit id (Keystone's audit_chain_id): revoking it ends every token rescoped from it
      pa: parent ? (parent.pa ?? parent.a) : undefined,
      ac: appCredential?.id,
    };
    const ctx = await this.contextFor(encodeToken(payload, this.keys), { ...payload, k: this.keys.current.id }, requestId, { roleless: true });
    if (!ctx) throw new AppError('Unauthorized', UNAUTHORIZED);
    if (scope.projectId || scope.domainId) {
      if (ctx.roles.length === 0) throw new AppError('Unauthorized', `User ${userId} has no access to the requested scope.`);
    }
    return ctx;
  }

  /** The caller's context from an X-Auth-Token; 401 for anything malformed, expired, revoked or disabled. */
  async validate(token: string | undefined, requestId: string): Promise<AuthContext> {
    const payload = token ? decodeToken(token, this.keys) : null;
    if (!payload || payload.exp <= Date.now() || (await this.revocations.isRevoked(payload))) {
      throw new AppError('Unauthorized', UNAUTHORIZED);
    }
    const ctx = await this.contextFor(token!, payload, requestId);
    if (!ctx) throw new AppError('Unauthorized', UNAUTHORIZED);
    return ctx;
  }

  /** GET /v3/auth/tokens: the subject token's context, as seen by the caller. 404 when it is not valid. */
  async check(caller: AuthContext, subject: string | undefined): Promise<AuthContext> {
    const ctx = await this.validate(subject, caller.requestId).catch(() => {
      throw new AppError('NotFound', 'Could not find token.');
    });
    enforce(caller, 'identity:validate_token', { userId: ctx.userId });
    return ctx;
  }

  async revoke(caller: AuthContext, subject: string | undefined): Promise<void> {
    const payload = subject ? decodeToken(subject, this.keys) : null;
    if (!payload || payload.exp <= Date.now() || (await this.revocations.isRevoked(payload))) {
      throw new AppError('NotFound', 'Could not find token.');
    }
    enforce(caller, 'identity:revoke_token', { userId: payload.u });
    await this.revocations.revokeToken(payload);
  }

  /** Signing out: the caller's token and every token in its rescoping chain stop working. */
  async revokeChain(caller: AuthContext): Promise<void> {
    const payload = decodeToken(caller.token, this.keys);
    if (!payload) throw new AppError('NotFound', 'Could not find token.');
    enforce(caller, 'identity:revoke_token', { userId: payload.u });
    await this.revocations.revokeChain(payload);
  }

  private async contextFor(token: string, p: TTokenPayload, requestId: string, opts: { roleless?: boolean } = {}): Promise<AuthContext | null> {
    const r = await this.scopes.resolve(p.u, { projectId: p.p, domainId: p.d });
    if (!r) return null;
    let roles = r.roles.map((x) => ({ id: x.id, name: x.name }));
    if (p.ac) roles = await this.delegatedRoles(p.ac, p.u, roles);
    // roles are what the user holds now: a scoped token whose user no longer holds any role on its scope is no longer
    // valid (Keystone: "user has no access to project"), which is how a role revocation reaches live tokens
    if (r.scope.type !== 'unscoped' && roles.length === 0 && !opts.roleless) return null;
    return {
      token,
      userId: r.user.id,
      userName: r.user.name,
      userDomainId: r.user.domainId,
      userDomainName: r.user.domainName,
      scope: r.scope,
      projectId: r.scope.type === 'project' ? r.scope.projectId : null,
      roles,
      roleNames: new Set(roles.map((x) => x.name)),
      methods: p.m,
      auditIds: p.pa ? [p.a, p.pa] : [p.a],
      issuedAt: new Date(p.iat),
      expiresAt: new Date(p.exp),
      appCredentialId: p.ac,
      requestId,
    };
  }

  /**
   * A token from an application credential acts with the roles the credential delegates (and the roles those imply)
   * that the user still holds, on every use, not only in the issue response. "unrestricted" does not widen this: in
   * Keystone it only lets the credential manage other credentials. A deleted credential leaves no roles.
   */
  private async delegatedRoles(appCredentialId: string, userId: string, held: { id: string; name: string }[]) {
    const ac = await this.credentials.getAppCredential(appCredentialId);
    if (!ac || ac.userId !== userId) return [];
    const kept = held.filter((x) => ac.roleIds.includes(x.id));
    return withImpliedRoles(kept, (name) => held.find((x) => x.name === name));
  }

  private async identify(req: TAuthRequest) {
    const method = req.methods[0];
    if (req.methods.length !== 1) throw new AppError('BadRequest', 'Exactly one authentication method must be given.');
    if (method === 'password' && req.password) return { userId: await this.checkPassword(req.password), parent: undefined };
    if (method === 'token' && req.token) {
      const parent = req.token.id ? decodeToken(req.token.id, this.keys) : null;
      if (!parent || parent.exp <= Date.now() || (await this.revocations.isRevoked(parent))) throw new AppError('Unauthorized', UNAUTHORIZED);
      // Keystone forbids turning an application-credential token into another scope
      if (parent.ac) throw new AppError('Forbidden', 'Application credential tokens cannot be rescoped.');
      return { userId: parent.u, parent };
    }
    if (method === 'application_credential' && req.applicationCredential) {
      const appCredential = await this.checkAppCredential(req.applicationCredential);
      return { userId: appCredential.userId, parent: undefined, appCredential };
    }
    throw new AppError('BadRequest', `Unsupported or incomplete authentication method: ${method}.`);
  }

  private async checkPassword(p: { user: NameOrId; password: string }): Promise<string> {
    const user = await this.findUser(p.user);
    const key = user?.id ?? `name:${p.user.name}`;
    const wait = this.throttle.retryAfterMs(key);
    if (wait > 0) throw new AppError('TooManyRequests', `Too many failed authentication attempts; try again in ${Math.ceil(wait / 1000)} s.`, { retryAfterSeconds: Math.ceil(wait / 1000) });
    // verify against a dummy hash when the user is unknown, so timing does not tell whether the user exists
    const hash = (user && (await this.identity.getPasswordHash(user.id))) ?? (await dummyPasswordHash(this.config.PASSWORD_HASH_COST));
    const ok = (await verifyPassword(p.password, hash)) && !!user?.enabled;
    if (!ok || !user) {
      this.throttle.fail(key);
      throw new AppError('Unauthorized', UNAUTHORIZED);
    }
    this.throttle.succeed(key);
    return user.id;
  }

  private async checkAppCredential(c: NonNullable<TAuthRequest['applicationCredential']>) {
    let cred = c.id ? await this.credentials.getAppCredential(c.id) : null;
    if (!cred && c.name && c.user) {
      const user = await this.findUser(c.user);
      cred = user ? await this.credentials.getAppCredentialByName(user.id, c.name) : null;
    }
    const hash = cred && (await this.credentials.getAppCredentialSecretHash(cred.id));
    if (!cred || !hash || !(await verifyPassword(c.secret, hash)) || (cred.expiresAt && cred.expiresAt.getTime() <= Date.now())) {
      throw new AppError('Unauthorized', UNAUTHORIZED);
    }
    return cred;
  }

  private async findUser(u: NameOrId) {
    if (u.id) return this.identity.getUser(u.id);
    if (!u.name) throw new AppError('BadRequest', 'The user must be identified by id, or by name and domain.');
    const domainId = await this.domainIdOf(u.domain);
    return domainId ? this.identity.getUserByName(domainId, u.name) : null;
  }

  private async domainIdOf(d: { id?: string; name?: string } | undefined): Promise<string | null> {
    if (d?.id) return d.id;
    if (d?.name) return (await this.identity.getDomainByName(d.name))?.id ?? null;
    throw new AppError('BadRequest', 'A name must come with its domain (id or name).');
  }

  private async requestedScope(
    s: TAuthRequest['scope'],
    userId: string,
    parent: TTokenPayload | undefined,
  ): Promise<{ projectId?: string; domainId?: string }> {
    if (s === 'unscoped') return {};
    // Keystone answers 401 to a user without a role on the system; no Cumulo user has one
    if (s?.system) throw new AppError('Unauthorized', `User ${userId} has no access to the system.`);
    if (s?.project) {
      const p = s.project;
      const project = p.id
        ? await this.identity.getProject(p.id)
        : p.name
          ? await this.domainIdOf(p.domain).then((d) => (d ? this.identity.getProjectByName(d, p.name!) : null))
          : null;
      if (!project) throw new AppError('Unauthorized', `Could not find project: ${p.id ?? p.name}.`);
      return { projectId: project.id };
    }
    if (s?.domain) {
      const domainId = await this.domainIdOf(s.domain);
      if (!domainId) throw new AppError('Unauthorized', `Could not find domain: ${s.domain.id ?? s.domain.name}.`);
      return { domainId };
    }
    if (parent) return { projectId: parent.p, domainId: parent.d };
    // no scope asked: Keystone scopes to the user's default project when they still have a role on it
    const user = await this.identity.getUser(userId);
    if (user?.defaultProjectId) {
      const roles = await this.scopes.effectiveRoles(userId, { type: 'project', id: user.defaultProjectId });
      if (roles.length > 0) return { projectId: user.defaultProjectId };
    }
    return {};
  }
}

