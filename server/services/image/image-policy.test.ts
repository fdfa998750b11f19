import { describe, expect, it } from 'vitest';
import { authContext } from '../../../tests/helpers/auth-context';
import { allowed } from '../../policy/policy';

const ctx = (roles: string[], projectId: string | null = 'p1') => authContext({ roles, projectId });

describe('image policy', () => {
  it('lets only admins publish public images', () => {
    expect(allowed(ctx(['admin', 'member', 'reader']), 'image:publicize_image', { projectId: 'p1' })).toBe(true);
    expect(allowed(ctx(['member', 'reader']), 'image:publicize_image', { projectId: 'p1' })).toBe(false);
    expect(allowed(ctx(['member', 'reader']), 'image:communitize_image', { projectId: 'p1' })).toBe(true);
  });

  it('lets members of the owning project change an image, and readers only look', () => {
    expect(allowed(ctx(['member', 'reader']), 'image:modify_image', { projectId: 'p1' })).toBe(true);
    expect(allowed(ctx(['member', 'reader']), 'image:modify_image', { projectId: 'p2' })).toBe(false);
    expect(allowed(ctx(['reader']), 'image:delete_image', { projectId: 'p1' })).toBe(false);
    expect(allowed(ctx(['reader']), 'image:get_images', { projectId: 'p1' })).toBe(true);
  });

  it('gives a token without a project nothing but what admins may do', () => {
    expect(allowed(ctx(['member', 'reader'], null), 'image:get_images', {})).toBe(false);
    expect(allowed(ctx(['admin'], null), 'image:get_images', {})).toBe(true);
  });
});
