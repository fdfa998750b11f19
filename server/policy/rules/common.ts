import { isCloudAdmin, type AuthContext } from '../auth-context';
import type { PolicyRule, PolicyTarget } from '../policy';

export const admin: PolicyRule = (ctx) => isCloudAdmin(ctx);
export const anyone: PolicyRule = () => true;
/** The caller is the user the target belongs to (their own profile, credentials, tokens). */
export const owner: PolicyRule = (ctx, t) => t.userId !== undefined && t.userId === ctx.userId;
const inProject = (ctx: AuthContext, t: PolicyTarget) => t.projectId !== undefined && t.projectId === ctx.projectId;
export const projectReader: PolicyRule = (ctx, t) => inProject(ctx, t) && ctx.roleNames.has('reader');
export const projectMember: PolicyRule = (ctx, t) => inProject(ctx, t) && ctx.roleNames.has('member');

export const anyOf =
  (...rs: PolicyRule[]): PolicyRule =>
  (ctx, t) =>
    rs.some((r) => r(ctx, t));
