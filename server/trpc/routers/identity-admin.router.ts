import { z } from 'zod';
import {
  ZCreateProject,
  ZCreateUser,
  ZId,
  ZPassword,
  ZUpdateProject,
  ZUpdateUser,
  type TUser,
} from '../../services/identity/identity.dto';
import { adminProcedure, router } from '../trpc';

export const ZIdInput = z.object({ id: ZId });
export const ZUpdateProjectInput = z.object({ id: ZId, patch: ZUpdateProject });
export const ZUpdateUserInput = z.object({ id: ZId, patch: ZUpdateUser.omit({ password: true }) });
export const ZSetPasswordInput = z.object({ id: ZId, password: ZPassword });
export const ZAssignmentFilter = z.object({ userId: ZId.optional(), projectId: ZId.optional() }).default({});
export const ZAssignment = z.object({
  actor: z.object({ type: z.enum(['user', 'group']), id: ZId }),
  target: z.object({ type: z.enum(['project', 'domain']), id: ZId }),
  roleId: ZId,
});
export type TAssignment = z.infer<typeof ZAssignment>;

/** A user as the dashboard gets it: dates as ISO strings (no transformer on the wire). */
const userView = (u: TUser) => ({ ...u, passwordExpiresAt: u.passwordExpiresAt?.toISOString() ?? null });

const projects = router({
  list: adminProcedure.query(({ ctx }) => ctx.identity.projects.list(ctx.auth)),
  create: adminProcedure
    .input(ZCreateProject)
    .mutation(({ ctx, input }) => ctx.identity.projects.create(ctx.auth, input)),
  update: adminProcedure
    .input(ZUpdateProjectInput)
    .mutation(({ ctx, input }) => ctx.identity.projects.update(ctx.auth, input.id, input.patch)),
  delete: adminProcedure.input(ZIdInput).mutation(({ ctx, input }) => ctx.identity.projects.delete(ctx.auth, input.id)),
});

const users = router({
  list: adminProcedure.query(async ({ ctx }) => (await ctx.identity.users.list(ctx.auth)).map(userView)),
  create: adminProcedure
    .input(ZCreateUser)
    .mutation(async ({ ctx, input }) => userView(await ctx.identity.users.create(ctx.auth, input))),
  update: adminProcedure
    .input(ZUpdateUserInput)
    .mutation(async ({ ctx, input }) => userView(await ctx.identity.users.update(ctx.auth, input.id, input.patch))),
  /** Also ends every session the user has (the identity service revokes their tokens). */
  setPassword: adminProcedure.input(ZSetPasswordInput).mutation(async ({ ctx, input }) => {
    await ctx.identity.users.update(ctx.auth, input.id, { password: input.password });
  }),
  delete: adminProcedure.input(ZIdInput).mutation(({ ctx, input }) => ctx.identity.users.delete(ctx.auth, input.id)),
});

const roleAssignments = router({
  list: adminProcedure
    .input(ZAssignmentFilter)
    .query(({ ctx, input }) => ctx.identity.roles.listAssignments(ctx.auth, input)),
  grant: adminProcedure
    .input(ZAssignment)
    .mutation(({ ctx, input }) => ctx.identity.roles.grant(ctx.auth, input.actor, input.target, input.roleId)),
  revoke: adminProcedure
    .input(ZAssignment)
    .mutation(({ ctx, input }) => ctx.identity.roles.revoke(ctx.auth, input.actor, input.target, input.roleId)),
});

const roles = router({
  list: adminProcedure.query(({ ctx }) => ctx.identity.roles.list(ctx.auth)),
});

/** The identity admin pages: projects, users, role assignments. Each procedure is one identity service call. */
export const identityAdminRouter = router({ projects, users, roleAssignments, roles });
