import { z } from 'zod';
import { AppError } from '../../lib/errors';
import { isCloudAdmin, type AuthContext } from '../../policy/auth-context';
import { ZId } from '../../services/identity/identity.dto';
import type { TAuthRequest } from '../../services/identity/token.service';
import { authedProcedure, publicProcedure, router, type TrpcContext } from '../trpc';

export const ZLoginInput = z.object({
  name: z.string().trim().min(1, 'Enter your user name.').max(255),
  password: z.string().min(1, 'Enter your password.').max(4096),
  /** A project name in the user's domain; unset: the user's default project, else their first one. */
  project: z.string().trim().max(64).optional(),
  /** The user's domain name; unset: the Default domain. */
  domain: z.string().trim().min(1).max(64).optional(),
});
export type TLoginInput = z.infer<typeof ZLoginInput>;

export const ZSwitchProjectInput = z.object({ projectId: ZId });

/** What the dashboard knows about the signed-in user (never the token: it stays in the httpOnly cookie). */
export type TSessionView = {
  user: { id: string; name: string; domainId: string; domainName: string };
  project: { id: string; name: string } | null;
  roles: string[];
  isAdmin: boolean;
  expiresAt: string;
};

export const sessionView = (a: AuthContext): TSessionView => ({
  user: { id: a.userId, name: a.userName, domainId: a.userDomainId, domainName: a.userDomainName },
  project: a.scope.type === 'project' ? { id: a.scope.projectId, name: a.scope.projectName } : null,
  roles: a.roles.map((r) => r.name).sort(),
  isAdmin: isCloudAdmin(a),
  expiresAt: a.expiresAt.toISOString(),
});

const rescope = (ctx: TrpcContext, auth: AuthContext, projectId: string) =>
  ctx.identity.tokens.authenticate(
    { methods: ['token'], token: { id: auth.token }, scope: { project: { id: projectId } } },
    ctx.requestId,
  );

/** The user's projects, by name. */
const myProjects = (ctx: TrpcContext, auth: AuthContext) => ctx.identity.projects.listForUser(auth, auth.userId);

/** Sign-in, sign-out and the project the session works in. The session is the identity token in the cookie. */
export const sessionRouter = router({
  login: publicProcedure.input(ZLoginInput).mutation(async ({ ctx, input }) => {
    const domain = input.domain ? { name: input.domain } : { id: 'default' };
    const request: TAuthRequest = {
      methods: ['password'],
      password: { user: { name: input.name, domain }, password: input.password },
      scope: input.project ? { project: { name: input.project, domain } } : undefined,
    };
    let auth = await ctx.identity.tokens.authenticate(request, ctx.requestId);
    // the dashboard works inside a project: a user without a default project lands in their first one
    const first = auth.projectId ? undefined : (await myProjects(ctx, auth))[0];
    if (first) auth = await rescope(ctx, auth, first.id);
    ctx.session.set(auth);
    return sessionView(auth);
  }),

  /** Revokes the token and every token it was switched from (they stop working at once, everywhere), drops the cookie. Never fails. */
  logout: publicProcedure.mutation(async ({ ctx }) => {
    const auth = await ctx.identity.tokens.validate(ctx.token, ctx.requestId).catch(() => null);
    if (auth) await ctx.identity.tokens.revokeChain(auth);
    ctx.session.clear();
    return { ok: true as const };
  }),

  me: authedProcedure.query(({ ctx }) => sessionView(ctx.auth)),

  /** The projects the user holds a role on: what the project switcher offers. */
  projects: authedProcedure.query(async ({ ctx }) =>
    (await myProjects(ctx, ctx.auth)).map((p) => ({ id: p.id, name: p.name, description: p.description })),
  ),

  /** A new token for another of the user's projects (rescoped from the current one, so it expires no later). */
  switchProject: authedProcedure.input(ZSwitchProjectInput).mutation(async ({ ctx, input }) => {
    // same answer whether the project does not exist or is someone else's: existence is not disclosed
    if (!(await myProjects(ctx, ctx.auth)).some((p) => p.id === input.projectId)) {
      throw new AppError('Forbidden', 'You have no role on that project.');
    }
    const auth = await rescope(ctx, ctx.auth, input.projectId);
    ctx.session.set(auth);
    return sessionView(auth);
  }),
});
