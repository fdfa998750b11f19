import { z } from 'zod';
import { AppError } from '../../lib/errors';
import { ZDescription, ZId, ZName, type TAppCredential } from '../../services/identity/identity.dto';
import { authedProcedure, router } from '../trpc';

export const ZCreateAppCredentialInput = z.object({
  name: ZName,
  description: ZDescription.default(''),
  /** Unset: it never expires. */
  expiresAt: z
    .string()
    .datetime({ offset: true, message: 'must be a date and time' })
    .refine((s) => Date.parse(s) > Date.now(), 'must be in the future')
    .nullable()
    .default(null),
  /** A subset of the caller's roles on the project; unset: all of them. */
  roleIds: z.array(ZId).min(1, 'choose at least one role').optional(),
  unrestricted: z.boolean().default(false),
});
export type TCreateAppCredentialInput = z.input<typeof ZCreateAppCredentialInput>;

export const ZAppCredentialId = z.object({ id: ZId });

const appCredentialView = (c: TAppCredential) => ({
  id: c.id,
  name: c.name,
  description: c.description,
  projectId: c.projectId,
  roles: c.roles,
  unrestricted: c.unrestricted,
  expiresAt: c.expiresAt?.toISOString() ?? null,
});
export type TAppCredentialView = ReturnType<typeof appCredentialView>;

const appCredentials = router({
  /** The caller's own, whichever project they are bound to. */
  list: authedProcedure.query(async ({ ctx }) =>
    (await ctx.identity.credentials.listAppCredentials(ctx.auth, ctx.auth.userId)).map(appCredentialView),
  ),
  /** Bound to the session's project; the secret is in this answer only (Cumulo keeps its hash). */
  create: authedProcedure.input(ZCreateAppCredentialInput).mutation(async ({ ctx, input }) => {
    const { secret, ...created } = await ctx.identity.credentials.createAppCredential(ctx.auth, ctx.auth.userId, {
      ...input,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
    });
    return { credential: appCredentialView(created), secret };
  }),
  delete: authedProcedure.input(ZAppCredentialId).mutation(async ({ ctx, input }) => {
    await ctx.identity.credentials.deleteAppCredential(ctx.auth, ctx.auth.userId, input.id);
    return { ok: true as const };
  }),
});

/** The user's own API access: what the command-line tools need, and application credentials. */
export const accountRouter = router({
  /** What an openrc or clouds.yaml for the session's project says (never a secret: the password is asked for). */
  cliTarget: authedProcedure.query(async ({ ctx }) => {
    const a = ctx.auth;
    if (a.scope.type !== 'project')
      throw new AppError('BadRequest', 'Choose a project first: the files are for one project.');
    const identity = await ctx.identity.catalog.publicEndpoint('identity');
    return {
      authUrl: identity.url,
      regionName: identity.regionId,
      interface: 'public',
      project: {
        id: a.scope.projectId,
        name: a.scope.projectName,
        domainId: a.scope.domainId,
        domainName: a.scope.domainName,
      },
      user: { name: a.userName, domainName: a.userDomainName },
    };
  }),
  /** The roles the caller holds on the session's project: what an application credential may be given. */
  delegableRoles: authedProcedure.query(({ ctx }) =>
    ctx.auth.roles.map((r) => ({ id: r.id, name: r.name })).sort((x, y) => x.name.localeCompare(y.name)),
  ),
  appCredentials,
});
