import { beforeAll, describe, expect, it } from 'vitest';
import { suffix } from '../../tests/helpers/identity-client';
import { startTestStack } from '../../tests/helpers/stack';
import { trpcHttp } from './trpc.harness';

let trpc: ReturnType<typeof trpcHttp>;
/** The admin's session, sent with every call below unless another is given. */
let as: { cookie: string };

beforeAll(async () => {
  const stack = await startTestStack();
  trpc = trpcHttp(stack.url);
  as = { cookie: (await trpc.login('admin', 'admin-secret')).cookie };
});

describe('identity admin over tRPC', () => {
  it('creates, renames, disables and deletes a project; a duplicate name is a CONFLICT', async () => {
    const name = `p-${suffix()}`;
    const created = await trpc.mutate('admin.projects.create', { name, description: 'first' }, as);
    expect(created.data).toMatchObject({ name, description: 'first', enabled: true, domainId: 'default' });
    const dup = await trpc.mutate('admin.projects.create', { name }, as);
    expect(dup.status).toBe(409);
    expect(dup.error).toMatchObject({ data: { code: 'CONFLICT', appCode: 'Conflict' } });
    expect(dup.error.message).toMatch(/already exists/);

    const renamed = await trpc.mutate(
      'admin.projects.update',
      { id: created.data.id, patch: { name: `${name}-2`, enabled: false } },
      as,
    );
    expect(renamed.data).toMatchObject({ name: `${name}-2`, enabled: false });
    const invalid = await trpc.mutate('admin.projects.update', { id: created.data.id, patch: { name: '   ' } }, as);
    expect(invalid.error.data.validation.fieldErrors).toEqual({ 'patch.name': ['must not be empty'] });

    expect((await trpc.mutate('admin.projects.delete', { id: created.data.id }, as)).status).toBe(200);
    const list = await trpc.query('admin.projects.list', undefined, as);
    expect(list.data.map((p: { name: string }) => p.name)).not.toContain(`${name}-2`);
    const again = await trpc.mutate('admin.projects.delete', { id: created.data.id }, as);
    expect(again.error.data.code).toBe('NOT_FOUND');
  });

  it('manages users and their role assignments; a new password ends the user’s sessions', async () => {
    const project = (await trpc.mutate('admin.projects.create', { name: `p-${suffix()}` }, as)).data;
    const name = `u-${suffix()}`;
    const user = (
      await trpc.mutate('admin.users.create', { name, password: 'first-pw', email: `${name}@example.org` }, as)
    ).data;
    expect(user).toMatchObject({ name, enabled: true, passwordExpiresAt: null });
    expect(user).not.toHaveProperty('passwordHash');

    const assignment = {
      actor: { type: 'user', id: user.id },
      target: { type: 'project', id: project.id },
      roleId: 'member',
    };
    expect((await trpc.mutate('admin.roleAssignments.grant', assignment, as)).status).toBe(200);
    const listed = await trpc.query('admin.roleAssignments.list', { projectId: project.id }, as);
    expect(listed.data).toEqual([{ ...assignment, roleName: 'member' }]);

    const session = await trpc.login(name, 'first-pw');
    expect(session.reply.data.project.id).toBe(project.id);
    expect((await trpc.mutate('admin.users.setPassword', { id: user.id, password: 'second-pw' }, as)).status).toBe(200);
    expect((await trpc.query('session.me', undefined, { cookie: session.cookie })).status).toBe(401);
    await trpc.login(name, 'second-pw');

    expect((await trpc.mutate('admin.roleAssignments.revoke', assignment, as)).status).toBe(200);
    expect((await trpc.query('admin.roleAssignments.list', { projectId: project.id }, as)).data).toEqual([]);
    const edited = await trpc.mutate(
      'admin.users.update',
      { id: user.id, patch: { description: 'edited', defaultProjectId: project.id } },
      as,
    );
    expect(edited.data).toMatchObject({ description: 'edited', defaultProjectId: project.id });
    expect((await trpc.mutate('admin.users.delete', { id: user.id }, as)).status).toBe(200);
    expect((await trpc.query('admin.roles.list', undefined, as)).data.map((r: { name: string }) => r.name)).toEqual([
      'admin',
      'member',
      'reader',
    ]);
  });
});
