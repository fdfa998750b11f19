import { beforeAll, describe, expect, it } from 'vitest';
import { identityClient, suffix, type IdentityClient } from '../../tests/helpers/identity-client';
import { startTestStack, type TestStack } from '../../tests/helpers/stack';
import { trpcHttp } from './trpc.harness';

let stack: TestStack;
let idc: IdentityClient;
let trpc: ReturnType<typeof trpcHttp>;

beforeAll(async () => {
  stack = await startTestStack();
  idc = identityClient(stack);
  trpc = trpcHttp(stack.url);
});

describe('dashboard session over tRPC', () => {
  it('signs in with an httpOnly SameSite cookie that holds a working identity token and lives as long as it', async () => {
    const { cookie, token, reply } = await trpc.login('admin', 'admin-secret');
    const set = reply.setCookie[0]!;
    expect(set).toMatch(/^cumulo_session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(set)![1]);
    expect(maxAge).toBeGreaterThan(3500);
    expect(maxAge).toBeLessThanOrEqual(3600);
    expect(reply.data).toMatchObject({
      user: { name: 'admin', domainName: 'Default' },
      project: { name: 'admin' },
      isAdmin: true,
    });
    // the cookie is the session, and the token in it is an ordinary identity token
    expect((await trpc.query('session.me', undefined, { cookie })).data.user.name).toBe('admin');
    expect((await idc.call('GET', '/auth/projects', { token })).status).toBe(200);
  });

  it('answers a wrong password with UNAUTHORIZED and sets no cookie', async () => {
    const r = await trpc.mutate('session.login', { name: 'admin', password: 'nope' });
    expect(r.status).toBe(401);
    expect(r.error.data.code).toBe('UNAUTHORIZED');
    expect(r.setCookie).toEqual([]);
  });

  it('returns field errors for invalid input', async () => {
    const r = await trpc.mutate('session.login', { name: '', password: '' });
    expect(r.status).toBe(400);
    expect(r.error.data.validation.fieldErrors).toMatchObject({
      name: ['Enter your user name.'],
      password: ['Enter your password.'],
    });
  });

  it('refuses a mutation without the CSRF header, even with a valid session', async () => {
    const { cookie } = await trpc.login('admin', 'admin-secret');
    const r = await trpc.mutate('admin.projects.create', { name: `csrf-${suffix()}` }, { cookie, csrf: false });
    expect(r.status).toBe(403);
    expect(r.error.message).toMatch(/x-cumulo-csrf/);
    const login = await trpc.mutate('session.login', { name: 'admin', password: 'admin-secret' }, { csrf: false });
    expect(login.status).toBe(403);
    expect(login.setCookie).toEqual([]);
    // a cross-site form post cannot send JSON with custom headers: it is refused the same way
    const form = await fetch(`${stack.url}/api/trpc/session.logout`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect((await trpc.query('session.me', undefined, { cookie })).status).toBe(200);
  });

  it('is UNAUTHORIZED without a session', async () => {
    const r = await trpc.query('session.me');
    expect(r.status).toBe(401);
    expect(r.error.data.code).toBe('UNAUTHORIZED');
    expect((await trpc.query('admin.users.list')).status).toBe(401);
  });

  it('refuses admin procedures to a member with FORBIDDEN', async () => {
    const alice = await idc.userOnProject('member', 'alice');
    const { cookie, reply } = await trpc.login(alice.name, alice.password);
    expect(reply.data).toMatchObject({
      user: { name: alice.name },
      project: { id: alice.projectId },
      isAdmin: false,
      roles: ['member', 'reader'],
    });
    for (const path of ['admin.users.list', 'admin.projects.list', 'admin.roles.list']) {
      const r = await trpc.query(path, undefined, { cookie });
      expect(r.status, path).toBe(403);
      expect(r.error.data.code, path).toBe('FORBIDDEN');
    }
    const create = await trpc.mutate('admin.projects.create', { name: `x-${suffix()}` }, { cookie });
    expect(create.error.data.code).toBe('FORBIDDEN');
  });

  it('logout revokes the token: the old cookie and the token are UNAUTHORIZED afterwards, everywhere', async () => {
    const { cookie, token } = await trpc.login('admin', 'admin-secret');
    const out = await trpc.mutate('session.logout', undefined, { cookie });
    expect(out.status).toBe(200);
    expect(out.setCookie[0]).toMatch(/^cumulo_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax$/);
    const again = await trpc.query('session.me', undefined, { cookie });
    expect(again.status).toBe(401);
    // the dead cookie is cleared so the browser stops sending it
    expect(again.setCookie[0]).toMatch(/^cumulo_session=; .*Max-Age=0/);
    expect((await idc.call('GET', '/auth/projects', { token })).status).toBe(401);
  });

  it('a session ends when the user is disabled (their tokens are revoked)', async () => {
    const bob = await idc.userOnProject('member', 'bob');
    const { cookie } = await trpc.login(bob.name, bob.password);
    const admin = await trpc.login('admin', 'admin-secret');
    expect(
      (await trpc.mutate('admin.users.update', { id: bob.id, patch: { enabled: false } }, { cookie: admin.cookie }))
        .status,
    ).toBe(200);
    expect((await trpc.query('session.me', undefined, { cookie })).error.data.code).toBe('UNAUTHORIZED');
  });

  it('switches to another project the user has a role on, and refuses one they have none on', async () => {
    const { alice, bob } = await idc.twoProjects();
    const other = await idc.createProject();
    await idc.grant('reader', { user: alice.id }, { project: other.id });
    const { cookie } = await trpc.login(alice.name, alice.password, { project: alice.projectName });

    const projects = await trpc.query('session.projects', undefined, { cookie });
    expect(projects.data.map((p: { id: string }) => p.id).sort()).toEqual([alice.projectId, other.id].sort());

    const refused = await trpc.mutate('session.switchProject', { projectId: bob.projectId }, { cookie });
    expect(refused.status).toBe(403);
    expect(refused.error.data.code).toBe('FORBIDDEN');
    expect(refused.setCookie).toEqual([]);
    const unknown = await trpc.mutate('session.switchProject', { projectId: '0'.repeat(32) }, { cookie });
    expect(unknown.error).toMatchObject({ message: refused.error.message, data: { code: 'FORBIDDEN' } });

    const switched = await trpc.mutate('session.switchProject', { projectId: other.id }, { cookie });
    expect(switched.status).toBe(200);
    expect(switched.data).toMatchObject({ project: { id: other.id }, roles: ['reader'] });
    const newCookie = switched.setCookie[0]!.split(';')[0]!;
    expect((await trpc.query('session.me', undefined, { cookie: newCookie })).data.project.id).toBe(other.id);
  });

  it('signing out after a project switch ends the earlier tokens of the session too', async () => {
    const { alice } = await idc.twoProjects();
    const other = await idc.createProject();
    await idc.grant('member', { user: alice.id }, { project: other.id });
    const { cookie } = await trpc.login(alice.name, alice.password, { project: alice.projectName });
    const switched = await trpc.mutate('session.switchProject', { projectId: other.id }, { cookie });
    const newCookie = switched.setCookie[0]!.split(';')[0]!;
    expect((await trpc.mutate('session.logout', undefined, { cookie: newCookie })).status).toBe(200);
    expect((await trpc.query('session.me', undefined, { cookie: newCookie })).error.data.code).toBe('UNAUTHORIZED');
    expect((await trpc.query('session.me', undefined, { cookie })).error.data.code).toBe('UNAUTHORIZED');
  });

  it('signs a user without a default project into their first project', async () => {
    const carol = await idc.userOnProject('member', 'carol');
    const { reply } = await trpc.login(carol.name, carol.password);
    expect(reply.data.project).toEqual({ id: carol.projectId, name: carol.projectName });
  });
});

describe('session expiry', () => {
  let short: TestStack;
  beforeAll(async () => {
    short = await startTestStack({ TOKEN_TTL_SECONDS: '1' });
  });

  it('an expired token is UNAUTHORIZED', async () => {
    const t = trpcHttp(short.url);
    const { cookie, reply } = await t.login('admin', 'admin-secret');
    expect(reply.setCookie[0]).toMatch(/Max-Age=[01];/);
    // a token's lifetime is its own clock: waiting past it is the state under test
    await new Promise((r) => setTimeout(r, Date.parse(reply.data.expiresAt) - Date.now() + 50));
    const r = await t.query('session.me', undefined, { cookie });
    expect(r.status).toBe(401);
    expect(r.error.data.code).toBe('UNAUTHORIZED');
  });
});
