import { describe, expect, it } from 'vitest';
import { authContext } from '../../tests/helpers/auth-context';
import { allowed, enforce } from './policy';

const ctx = (roles: string[], projectId = 'p1', userId = 'u1') => authContext({ roles, projectId, userId });

describe('identity policy', () => {
  it('lets only admins manage identity', () => {
    expect(allowed(ctx(['admin', 'member', 'reader']), 'identity:create_project')).toBe(true);
    expect(allowed(ctx(['member', 'reader']), 'identity:create_project')).toBe(false);
    expect(allowed(ctx(['reader']), 'identity:update_user', { userId: 'u1' })).toBe(false);
  });

  it('lets a reader see their own project but not another one', () => {
    expect(allowed(ctx(['reader']), 'identity:get_project', { projectId: 'p1' })).toBe(true);
    expect(allowed(ctx(['reader']), 'identity:get_project', { projectId: 'p2' })).toBe(false);
  });

  it('lets users manage their own credentials and nobody else’s', () => {
    expect(allowed(ctx(['member']), 'identity:create_application_credential', { userId: 'u1' })).toBe(true);
    expect(allowed(ctx(['member']), 'identity:list_application_credentials', { userId: 'u2' })).toBe(false);
    expect(allowed(ctx(['admin']), 'identity:list_application_credentials', { userId: 'u2' })).toBe(true);
  });

  it('throws Forbidden naming the action, and refuses unknown action names loudly', () => {
    expect(() => enforce(ctx(['reader']), 'identity:delete_user', { userId: 'u9' })).toThrow(/identity:delete_user/);
    expect(() => allowed(ctx(['admin']), 'identity:no_such_rule')).toThrow(/no policy rule/);
  });
});
