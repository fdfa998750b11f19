import { beforeAll, describe, expect, it } from 'vitest';
import { identityClient, suffix, type Actor } from '../../../../../tests/helpers/identity-client';
import { startTestStack } from '../../../../../tests/helpers/stack';

/** Who sees what: a member of one project learns nothing about another's, and only admin manages identity. */
describe('identity isolation between projects', async () => {
  // started while the suite is collected: the helper's afterAll (stop, drop the database) only registers from there
  const ks = identityClient(await startTestStack());
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    ({ alice, bob } = await ks.twoProjects());
  });

  it("returns 404 when bob reads alice's project, and 200 when alice does", async () => {
    const asBob = await ks.call('GET', `/projects/${alice.projectId}`, { token: bob.token });
    expect(asBob.status).toBe(404);
    expect(asBob.body.error).toMatchObject({ code: 404, title: 'Not Found' });

    const asAlice = await ks.call('GET', `/projects/${alice.projectId}`, { token: alice.token });
    expect(asAlice.status).toBe(200);
    expect(asAlice.body.project.name).toBe(alice.projectName);
  });

  it('returns 404, not 403, for a project that does not exist, so existence is not disclosed', async () => {
    const missing = await ks.call('GET', `/projects/${'0'.repeat(32)}`, { token: bob.token });
    const real = await ks.call('GET', `/projects/${alice.projectId}`, { token: bob.token });
    expect([missing.status, real.status]).toEqual([404, 404]);
  });

  it.each(['/projects', '/users', '/role_assignments', '/groups', '/domains', '/roles'])(
    'returns 403 when a member lists %s',
    async (path) => {
      const r = await ks.call('GET', path, { token: bob.token });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe(403);
      expect(r.body.error.message).toMatch(/not authorized/);
    },
  );

  it("returns 404 when bob reads alice's user, and shows alice herself", async () => {
    expect((await ks.call('GET', `/users/${alice.id}`, { token: bob.token })).status).toBe(404);
    const self = await ks.call('GET', `/users/${alice.id}`, { token: alice.token });
    expect(self.status).toBe(200);
    expect(self.body.user.name).toBe(alice.name);
  });

  it("returns 404 when bob lists, reads or deletes alice's application credentials", async () => {
    const created = await ks.expectCall(201, 'POST', `/users/${alice.id}/application_credentials`, {
      token: alice.token,
      body: { application_credential: { name: `ac-${suffix()}` } },
    });
    const ac = created.body.application_credential;

    expect((await ks.call('GET', `/users/${alice.id}/application_credentials`, { token: bob.token })).status).toBe(404);
    expect(
      (await ks.call('GET', `/users/${alice.id}/application_credentials/${ac.id}`, { token: bob.token })).status,
    ).toBe(404);
    expect(
      (await ks.call('DELETE', `/users/${alice.id}/application_credentials/${ac.id}`, { token: bob.token })).status,
    ).toBe(404);
    // bob asking under his own user id for alice's credential finds nothing either
    expect(
      (await ks.call('GET', `/users/${bob.id}/application_credentials/${ac.id}`, { token: bob.token })).status,
    ).toBe(404);
    const create = await ks.call('POST', `/users/${alice.id}/application_credentials`, {
      token: bob.token,
      body: { application_credential: { name: `ac-${suffix()}` } },
    });
    expect(create.status).toBe(404);

    const mine = await ks.call('GET', `/users/${alice.id}/application_credentials`, { token: alice.token });
    expect(mine.body.application_credentials.map((c: { id: string }) => c.id)).toEqual([ac.id]);
  });

  it("returns 404 when bob lists, reads or deletes alice's EC2 credentials", async () => {
    const created = await ks.expectCall(201, 'POST', `/users/${alice.id}/credentials/OS-EC2`, {
      token: alice.token,
      body: { tenant_id: alice.projectId },
    });
    const access = created.body.credential.access as string;

    expect((await ks.call('GET', `/users/${alice.id}/credentials/OS-EC2`, { token: bob.token })).status).toBe(404);
    expect((await ks.call('GET', `/users/${alice.id}/credentials/OS-EC2/${access}`, { token: bob.token })).status).toBe(
      404,
    );
    expect(
      (await ks.call('DELETE', `/users/${alice.id}/credentials/OS-EC2/${access}`, { token: bob.token })).status,
    ).toBe(404);
    expect((await ks.call('GET', `/users/${bob.id}/credentials/OS-EC2/${access}`, { token: bob.token })).status).toBe(
      404,
    );

    const mine = await ks.call('GET', `/users/${alice.id}/credentials/OS-EC2`, { token: alice.token });
    expect(mine.body.credentials.map((c: { access: string }) => c.access)).toEqual([access]);
  });

  it('returns 403 when bob makes an EC2 credential for a project he has no role on', async () => {
    const r = await ks.call('POST', `/users/${bob.id}/credentials/OS-EC2`, {
      token: bob.token,
      body: { tenant_id: alice.projectId },
    });
    expect(r.status).toBe(403);
  });

  // Keystone's identity:validate_token is "system reader, service, or the token's own subject"; anyone else gets
  // 403 Forbidden (a token that is not valid at all is 404 TokenNotFound). Cumulo answers the same.
  it("returns 403 when bob validates alice's token, as Keystone does", async () => {
    const r = await ks.call('GET', '/auth/tokens', { token: bob.token, headers: { 'X-Subject-Token': alice.token } });
    expect(r.status).toBe(403);
    expect(r.body.token).toBeUndefined();
    expect(
      (await ks.call('HEAD', '/auth/tokens', { token: bob.token, headers: { 'X-Subject-Token': alice.token } })).status,
    ).toBe(403);
  });

  it("returns 403 when bob revokes alice's token, and alice's token still works", async () => {
    const r = await ks.call('DELETE', '/auth/tokens', {
      token: bob.token,
      headers: { 'X-Subject-Token': alice.token },
    });
    expect(r.status).toBe(403);
    expect((await ks.call('GET', '/auth/projects', { token: alice.token })).status).toBe(200);
  });

  it('lets alice validate her own token, and admin validate anyone', async () => {
    const own = await ks.call('GET', '/auth/tokens', {
      token: alice.token,
      headers: { 'X-Subject-Token': alice.token },
    });
    expect(own.status).toBe(200);
    expect(own.body.token.user.id).toBe(alice.id);
    const byAdmin = await ks.call('GET', '/auth/tokens', {
      token: await ks.admin(),
      headers: { 'X-Subject-Token': bob.token },
    });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.token.project.id).toBe(bob.projectId);
  });

  it("lists only the caller's own projects under /v3/auth/projects", async () => {
    const extra = await ks.createProject();
    await ks.grant('reader', { user: alice.id }, { project: extra.id });

    const forAlice = await ks.call('GET', '/auth/projects', { token: alice.token });
    expect(forAlice.status).toBe(200);
    expect(forAlice.body.projects.map((p: { id: string }) => p.id).sort()).toEqual([alice.projectId, extra.id].sort());

    const forBob = await ks.call('GET', '/auth/projects', { token: bob.token });
    expect(forBob.body.projects.map((p: { id: string }) => p.id)).toEqual([bob.projectId]);
  });

  it("returns 403 when bob lists alice's projects through /v3/users/{id}/projects", async () => {
    expect((await ks.call('GET', `/users/${alice.id}/projects`, { token: bob.token })).status).toBe(403);
    const own = await ks.call('GET', `/users/${bob.id}/projects`, { token: bob.token });
    expect(own.body.projects.map((p: { id: string }) => p.id)).toEqual([bob.projectId]);
  });

  it('refuses a token scoped to a project bob has no role on', async () => {
    const r = await ks.passwordAuth({ id: bob.id }, bob.password, { project: { id: alice.projectId } });
    expect(r.status).toBe(401);
    expect(r.headers.get('x-subject-token')).toBeNull();
  });
});

describe('only admin manages identity', async () => {
  const ks = identityClient(await startTestStack());
  let reader: Actor;
  let member: Actor;

  beforeAll(async () => {
    [reader, member] = await Promise.all([ks.userOnProject('reader', 'reader'), ks.userOnProject('member', 'member')]);
  });

  /** Every identity write a non-admin might try, against real targets of its own project. */
  const writes = (a: Actor, n: string, ownRole: string): [string, string, unknown?][] => [
    ['POST', '/projects', { project: { name: n } }],
    ['PATCH', `/projects/${a.projectId}`, { project: { description: 'mine now' } }],
    ['DELETE', `/projects/${a.projectId}`],
    ['POST', '/users', { user: { name: n, password: 'x-secret' } }],
    ['PATCH', `/users/${a.id}`, { user: { enabled: true } }],
    ['DELETE', `/users/${a.id}`],
    ['POST', '/groups', { group: { name: n } }],
    ['POST', '/roles', { role: { name: n } }],
    ['DELETE', '/roles/reader'],
    ['POST', '/domains', { domain: { name: n } }],
    ['PATCH', '/domains/default', { domain: { description: 'mine now' } }],
    ['PUT', `/projects/${a.projectId}/users/${a.id}/roles/admin`],
    ['DELETE', `/projects/${a.projectId}/users/${a.id}/roles/${ownRole}`],
  ];

  it.each(['reader', 'member'] as const)(
    'returns 403 for every identity write by a %s, and nothing changes',
    async (who) => {
      const a = who === 'reader' ? reader : member;
      const n = `x-${suffix()}`;
      for (const [method, path, body] of writes(a, n, who)) {
        const r = await ks.call(method, path, { token: a.token, body });
        expect({ method, path, status: r.status }).toEqual({ method, path, status: 403 });
      }
      const admin = await ks.admin();
      const project = await ks.call('GET', `/projects/${a.projectId}`, { token: admin });
      expect(project.body.project.description).toBe('');
      const grants = await ks.call('GET', `/role_assignments?user.id=${a.id}`, { token: admin });
      expect(grants.body.role_assignments.map((x: { role: { id: string } }) => x.role.id)).toEqual([who]);
      for (const kind of ['projects', 'users', 'groups', 'roles', 'domains']) {
        const list = await ks.call('GET', `/${kind}?name=${n}`, { token: admin });
        expect({ kind, found: list.body[kind] }).toEqual({ kind, found: [] });
      }
      expect((await ks.call('GET', '/domains/default', { token: admin })).body.domain.description).toBe(
        'The default domain',
      );
      // the token still works: refused writes revoke nothing
      expect((await ks.call('GET', '/auth/projects', { token: a.token })).status).toBe(200);
    },
  );

  it('lets a reader read its own project and itself', async () => {
    expect((await ks.call('GET', `/projects/${reader.projectId}`, { token: reader.token })).status).toBe(200);
    expect((await ks.call('GET', `/users/${reader.id}`, { token: reader.token })).status).toBe(200);
  });

  it('lets admin do what the others may not', async () => {
    const admin = await ks.admin();
    const name = `p-${suffix()}`;
    const created = await ks.call('POST', '/projects', { token: admin, body: { project: { name } } });
    expect(created.status).toBe(201);
    expect(
      (
        await ks.call('PATCH', `/projects/${created.body.project.id}`, {
          token: admin,
          body: { project: { description: 'd' } },
        })
      ).body.project.description,
    ).toBe('d');
    expect((await ks.call('DELETE', `/projects/${created.body.project.id}`, { token: admin })).status).toBe(204);
  });
});
