import { AppError } from '../lib/errors';
import type { AuthContext } from './auth-context';
import { computeRules } from './rules/compute';
import { identityRules } from './rules/identity';
import { imageRules } from './rules/image';

/**
 * One place decides who may do what. Rules are keyed by OpenStack policy names so operators recognise them;
 * a rule gets the caller and the target (the owning user/project/domain of what is touched).
 */
export type PolicyTarget = { userId?: string; projectId?: string; domainId?: string };
export type PolicyRule = (ctx: AuthContext, target: PolicyTarget) => boolean;

const rules: Record<string, PolicyRule> = { ...identityRules, ...imageRules, ...computeRules };

export function allowed(ctx: AuthContext, action: string, target: PolicyTarget = {}): boolean {
  const rule = rules[action];
  if (!rule) throw new Error(`no policy rule named ${action}`);
  return rule(ctx, target);
}

export function enforce(ctx: AuthContext, action: string, target: PolicyTarget = {}): void {
  if (!allowed(ctx, action, target)) {
    throw new AppError('Forbidden', `You are not authorized to perform the requested action: ${action}.`);
  }
}
