import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../../../tests/helpers/db';
import { identityClient, suffix, type Actor } from '../../../../../tests/helpers/identity-client';
import { freePort, startTestStack, type TestStack } from '../../../../../tests/helpers/stack';
import { loadConfig } from '../../../../config/env';
import { startControlPlane } from '../../../../main';

/** Keystone prints times with microseconds: 2015-11-05T22:00:11.000000Z. */
const KEYSTONE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const roleNames = (t: { roles: { name: string }[] }) => t.roles.map((r) => r.name).sort();
const tokenAuth = (id: string, scope?: unknown) => ({
  auth: { identity: { methods: ['token'], token: { id } }, ...(scope !== undefined && { scope }) },
});

describe('tokens', async () => {
  // started while the suite is collected: the helper's afterAll (stop, drop the database) only registers from there
  const stack = await startTestStack();
  const ks = identityClient(stack);
  let admin: string;

  beforeAll(async () => {
    admin = await ks.admin();
  });

  const adminScope = { project: { name: 'admin', domain: { id: 'default' } } };

  it('issues a project-scoped token: 201, X-Subject-Token, methods, user, project, implied roles and the catalog', async () => {
    const r = await ks.passwordAuth({ name: 'admin' }, stack.adminPassword, adminScope);
    expect(r.status).toBe(201);
    const token = r.headers.get('x-subject-token');
    expect(token).toBeTruthy();
    expect(r.text).not.toContain(token!);

    const t = r.body.token;
    expect(t.methods).toEqual(['password']);
    expect(t.user).toMatchObject({ name: 'admin', domain: { id: 'default', name: 'Default' } });
    expect(t.user.id).toMatch(/^[0-9a-f]{32}$/);
    expect(t.project).toMatchObject({ name: 'admin', domain: { id: 'default', name: 'Default' } });
    expect(t.is_domain).toBe(false);
    // admin is granted admin only; member and reader come with it, as in Keystone's default role hierarchy
    expect(roleNames(t)).toEqual(['admin', 'member', 'reader']);
    expect(t.audit_ids).toHaveLength(1);
    expect(t.issued_at).toMatch(KEYSTONE_TIME);
    expect(t.expires_at).toMatch(KEYSTONE_TIME);
    expect(Date.parse(t.expires_at) - Date.parse(t.issued_at)).toBe(3600_000);

    const identity = t.catalog.find((s: { type: string }) => s.type === 'identity');
    expect(identity.name).toBe('keystone');
    const urls = Object.fromEntries(
      identity.endpoints.map((e: { interface: string; url: string }) => [e.interface, e.url]),
    );
    expect(urls).toEqual({ public: stack.identityUrl, internal: stack.identityUrl, admin: stack.identityUrl });
    expect(identity.endpoints[0].region_id).toBe('RegionOne');

    // the token works, and describes itself the same way when validated
    const v = await ks.call('GET', '/auth/tokens', { token: token!, headers: { 'X-Subject-Token': token! } });
    expect(v.status).toBe(200);
    expect(v.headers.get('x-subject-token')).toBe(token);
    expect(v.body.token).toMatchObject({
      methods: ['password'],
      audit_ids: t.audit_ids,
      expires_at: t.expires_at,
      project: t.project,
    });
  });

  it('omits the catalog with ?nocatalog, on issue and on validation', async () => {
    const r = await ks.passwordAuth({ name: 'admin' }, stack.adminPassword, adminScope, '?nocatalog');
    expect(r.status).toBe(201);
    expect(r.body.token.catalog).toBeUndefined();
    expect(roleNames(r.body.token)).toEqual(['admin', 'member', 'reader']);
    const token = r.headers.get('x-subject-token')!;
    const v = await ks.call('GET', '/auth/tokens?nocatalog', { token: admin, headers: { 'X-Subject-Token': token } });
    expect(v.body.token.catalog).toBeUndefined();
    const full = await ks.call('GET', '/auth/tokens', { token: admin, headers: { 'X-Subject-Token': token } });
    expect(full.body.token.catalog.map((s: { type: string }) => s.type)).toContain('identity');
  });

  it('answers HEAD /v3/auth/tokens with 200 for a valid token and 404 for a bad one', async () => {
    const ok = await ks.call('HEAD', '/auth/tokens', { token: admin, headers: { 'X-Subject-Token': admin } });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    expect(ok.headers.get('x-subject-token')).toBe(admin);
    expect(
      (await ks.call('HEAD', '/auth/tokens', { token: admin, headers: { 'X-Subject-Token': `${admin}x` } })).status,
    ).toBe(404);
    expect(
      (await ks.call('HEAD', '/auth/tokens', { token: admin, headers: { 'X-Subject-Token': 'garbage' } })).status,
    ).toBe(404);
    expect((await ks.call('HEAD', '/auth/tokens', { token: admin })).status).toBe(404);
  });

  it('returns 401 for a token with a forged signature or no token at all', async () => {
    const [head, body] = admin.split('.');
    expect((await ks.call('GET', '/auth/projects', { token: `${head}.${body}.${'A'.repeat(43)}` })).status).toBe(401);
    const none = await ks.call('GET', '/auth/projects');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Keystone uri=/);
  });

  describe('rescoping', () => {
    let alice: Actor;
    let other: { id: string; name: string };

    beforeAll(async () => {
      ({ alice } = await ks.twoProjects());
      other = await ks.createProject();
      await ks.grant('reader', { user: alice.id }, { project: other.id });
    });

    it('rescopes a token to another project of the same user (method token)', async () => {
      const first = await ks.call('GET', '/auth/tokens', {
        token: alice.token,
        headers: { 'X-Subject-Token': alice.token },
      });
      const r = await ks.call('POST', '/auth/tokens', { body: tokenAuth(alice.token, { project: { id: other.id } }) });
      expect(r.status).toBe(201);
      const t = r.body.token;
      expect(t.project).toMatchObject({ id: other.id, name: other.name });
      expect(t.user.id).toBe(alice.id);
      expect(roleNames(t)).toEqual(['reader']);
      // Keystone keeps the original methods and chains the audit ids: [new, original]
      expect([...t.methods].sort()).toEqual(['password', 'token']);
      expect(t.audit_ids).toHaveLength(2);
      expect(t.audit_ids[1]).toBe(first.body.token.audit_ids[0]);
      expect(Date.parse(t.expires_at)).toBeLessThanOrEqual(Date.parse(first.body.token.expires_at));

      const rescoped = r.headers.get('x-subject-token')!;
      const projects = await ks.call('GET', `/projects/${other.id}`, { token: rescoped });
      expect(projects.status).toBe(200);
      expect((await ks.call('GET', `/projects/${alice.projectId}`, { token: rescoped })).status).toBe(404);
    });

    it('refuses to rescope to a project the user holds no role on (401)', async () => {
      const stranger = await ks.createProject();
      const r = await ks.call('POST', '/auth/tokens', {
        body: tokenAuth(alice.token, { project: { id: stranger.id } }),
      });
      expect(r.status).toBe(401);
      expect(r.headers.get('x-subject-token')).toBeNull();
    });

    it('keeps the scope of the token when rescoping asks for none', async () => {
      const r = await ks.call('POST', '/auth/tokens', { body: tokenAuth(alice.token) });
      expect(r.status).toBe(201);
      expect(r.body.token.project.id).toBe(alice.projectId);
    });

    it('revoking the original token revokes the ones rescoped from it', async () => {
      const original = await ks.issueToken({ id: alice.id }, alice.password, { project: { id: alice.projectId } });
      const r = await ks.call('POST', '/auth/tokens', { body: tokenAuth(original, { project: { id: other.id } }) });
      const rescoped = r.headers.get('x-subject-token')!;
      expect(
        (await ks.call('DELETE', '/auth/tokens', { token: admin, headers: { 'X-Subject-Token': original } })).status,
      ).toBe(204);
      expect((await ks.call('GET', '/auth/projects', { token: rescoped })).status).toBe(401);
      expect((await ks.call('GET', '/auth/projects', { token: alice.token })).status).toBe(200);
    });
  });

  it('issues an unscoped token, with no roles and no catalog, to a user without a default project', async () => {
    const user = await ks.createUser();
    const r = await ks.passwordAuth({ id: user.id }, user.password);
    expect(r.status).toBe(201);
    const t = r.body.token;
    expect(t.user.id).toBe(user.id);
    for (const absent of ['project', 'domain', 'roles', 'catalog']) expect(t[absent], absent).toBeUndefined();

    const token = r.headers.get('x-subject-token')!;
    expect((await ks.call('GET', '/auth/projects', { token })).body.projects).toEqual([]);
    expect((await ks.call('GET', `/users/${user.id}`, { token })).status).toBe(200);
    expect((await ks.call('GET', '/projects', { token })).status).toBe(403);
  });

  it('issues an unscoped token when asked with scope "unscoped", even to a user with a default project', async () => {
    const r = await ks.passwordAuth({ name: 'admin' }, stack.adminPassword, 'unscoped');
    expect(r.status).toBe(201);
    expect(r.body.token.project).toBeUndefined();
    expect(r.body.token.roles).toBeUndefined();
    expect(r.body.token.catalog).toBeUndefined();
  });

  it("scopes a token to the user's default project when no scope is asked", async () => {
    const project = await ks.createProject();
    const user = await ks.createUser(undefined, undefined, { default_project_id: project.id });
    // no role on it yet: Keystone then issues an unscoped token
    const before = await ks.passwordAuth({ id: user.id }, user.password);
    expect(before.status).toBe(201);
    expect(before.body.token.project).toBeUndefined();

    await ks.grant('member', { user: user.id }, { project: project.id });
    const r = await ks.passwordAuth({ name: user.name }, user.password);
    expect(r.status).toBe(201);
    expect(r.body.token.project).toMatchObject({ id: project.id, name: project.name });
    expect(roleNames(r.body.token)).toEqual(['member', 'reader']);
  });

  it('issues a domain-scoped token to a user with a role on the domain, by id or by name', async () => {
    const user = await ks.createUser();
    const refused = await ks.passwordAuth({ id: user.id }, user.password, { domain: { id: 'default' } });
    expect(refused.status).toBe(401);

    await ks.grant('reader', { user: user.id }, { domain: 'default' });
    const r = await ks.passwordAuth({ id: user.id }, user.password, { domain: { id: 'default' } });
    expect(r.status).toBe(201);
    const t = r.body.token;
    expect(t.domain).toEqual({ id: 'default', name: 'Default' });
    expect(t.project).toBeUndefined();
    expect(roleNames(t)).toEqual(['reader']);
    expect(t.catalog.length).toBeGreaterThan(0);

    const byName = await ks.call('POST', '/auth/tokens', {
      body: {
        auth: {
          identity: { methods: ['password'], password: { user: { id: user.id, password: user.password } } },
          scope: { domain: { name: 'Default' } },
        },
      },
    });
    expect(byName.status).toBe(201);
    expect(byName.body.token.domain.id).toBe('default');
    const domains = await ks.call('GET', '/auth/domains', { token: r.headers.get('x-subject-token')! });
    expect(domains.body.domains.map((d: { id: string }) => d.id)).toEqual(['default']);
  });

  it('issues a token from an application credential, restricted to its roles, and refuses to rescope it', async () => {
    const { alice } = await ks.twoProjects();
    const created = await ks.expectCall(201, 'POST', `/users/${alice.id}/application_credentials`, {
      token: alice.token,
      body: { application_credential: { name: `ac-${suffix()}`, roles: [{ name: 'reader' }] } },
    });
    const ac = created.body.application_credential;
    expect(ac.secret).toBeTruthy();
    const r = await ks.call('POST', '/auth/tokens', {
      body: {
        auth: {
          identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: ac.secret } },
        },
      },
    });
    expect(r.status).toBe(201);
    const t = r.body.token;
    expect(t.methods).toEqual(['application_credential']);
    expect(t.project.id).toBe(alice.projectId);
    expect(roleNames(t)).toEqual(['reader']);
    expect(t.application_credential).toEqual({ id: ac.id, name: ac.name, restricted: true });

    const wrong = await ks.call('POST', '/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { id: ac.id, secret: `${ac.secret}x` },
          },
        },
      },
    });
    expect(wrong.status).toBe(401);
    const rescope = await ks.call('POST', '/auth/tokens', {
      body: tokenAuth(r.headers.get('x-subject-token')!, { project: { id: alice.projectId } }),
    });
    expect(rescope.status).toBe(403);
  });

  it("uses only an application credential's delegated roles, whenever its token is used", async () => {
    // an admin delegating reader only: the token must not act as admin, restricted or not
    const user = await ks.createUser();
    const project = await ks.createProject();
    await ks.grant('admin', { user: user.id }, { project: project.id });
    const token = await ks.issueToken({ id: user.id }, user.password, { project: { id: project.id } });
    for (const unrestricted of [false, true]) {
      const ac = (
        await ks.expectCall(201, 'POST', `/users/${user.id}/application_credentials`, {
          token,
          body: { application_credential: { name: `ac-${suffix()}`, roles: [{ name: 'member' }], unrestricted } },
        })
      ).body.application_credential;
      const r = await ks.call('POST', '/auth/tokens', {
        body: {
          auth: {
            identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: ac.secret } },
          },
        },
      });
      expect(r.status).toBe(201);
      // member brings reader, as a direct grant of member would
      expect(roleNames(r.body.token)).toEqual(['member', 'reader']);
      const acToken = r.headers.get('x-subject-token')!;
      const validated = await ks.call('GET', '/auth/tokens', {
        token: acToken,
        headers: { 'X-Subject-Token': acToken },
      });
      expect({ unrestricted, roles: roleNames(validated.body.token) }).toEqual({
        unrestricted,
        roles: ['member', 'reader'],
      });
      const create = await ks.call('POST', '/projects', {
        token: acToken,
        body: { project: { name: `p-${suffix()}` } },
      });
      expect({ unrestricted, status: create.status }).toEqual({ unrestricted, status: 403 });
    }
  });

  it("ends an application credential's tokens when it is deleted, and not the owner's other sessions", async () => {
    const { alice } = await ks.twoProjects();
    const ac = (
      await ks.expectCall(201, 'POST', `/users/${alice.id}/application_credentials`, {
        token: alice.token,
        body: { application_credential: { name: `ac-${suffix()}` } },
      })
    ).body.application_credential;
    const signIn = {
      auth: {
        identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: ac.secret } },
      },
    };
    const acToken = (await ks.call('POST', '/auth/tokens', { body: signIn })).headers.get('x-subject-token')!;
    expect((await ks.call('GET', '/auth/projects', { token: acToken })).status).toBe(200);

    const del = await ks.call('DELETE', `/users/${alice.id}/application_credentials/${ac.id}`, { token: alice.token });
    expect(del.status).toBe(204);
    expect((await ks.call('GET', '/auth/projects', { token: acToken })).status).toBe(401);
    expect((await ks.call('POST', '/auth/tokens', { body: signIn })).status).toBe(401);
    expect((await ks.call('GET', '/auth/projects', { token: alice.token })).status).toBe(200);
  });

  it('revokes a token with DELETE /v3/auth/tokens (204), after which it is refused (401)', async () => {
    const token = await ks.issueToken({ name: 'admin' }, stack.adminPassword, adminScope);
    expect(
      (await ks.call('DELETE', '/auth/tokens', { token: admin, headers: { 'X-Subject-Token': token } })).status,
    ).toBe(204);
    expect((await ks.call('GET', '/auth/projects', { token })).status).toBe(401);
    expect((await ks.call('GET', '/auth/projects', { token: admin })).status).toBe(200);
  });

  it('lets a user revoke their own token', async () => {
    const { alice } = await ks.twoProjects();
    expect(
      (await ks.call('DELETE', '/auth/tokens', { token: alice.token, headers: { 'X-Subject-Token': alice.token } }))
        .status,
    ).toBe(204);
    expect((await ks.call('GET', '/auth/projects', { token: alice.token })).status).toBe(401);
  });
});

describe('token revocation across a restart of the control plane', async () => {
  const { url: databaseUrl } = await testDatabase();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-restart-'));
  afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

  /** A control plane on the shared database, as `npm start` would run it on a fresh port. */
  async function start() {
    const config = loadConfig({
      NODE_ENV: 'test',
      STATE_DIR: stateDir,
      PORT: String(await freePort()),
      ADMIN_PASSWORD: 'admin-secret',
      PASSWORD_HASH_COST: '1024',
      LOG_LEVEL: 'warn',
    });
    const cp = await startControlPlane({ config, databaseUrl });
    const stack: TestStack = {
      url: cp.url,
      identityUrl: `${cp.url}/identity/v3`,
      adminPassword: cp.adminPassword,
      databaseUrl,
      stateDir,
    };
    return { cp, ks: identityClient(stack) };
  }

  it('keeps a revoked token revoked, and a live one live, after a restart', async () => {
    const first = await start();
    let revoked: string;
    let live: string;
    try {
      revoked = await first.ks.issueToken({ name: 'admin' }, 'admin-secret', {
        project: { name: 'admin', domain: { id: 'default' } },
      });
      live = await first.ks.admin();
      expect(
        (await first.ks.call('DELETE', '/auth/tokens', { token: live, headers: { 'X-Subject-Token': revoked } }))
          .status,
      ).toBe(204);
      expect((await first.ks.call('GET', '/auth/projects', { token: revoked })).status).toBe(401);
    } finally {
      await first.cp.close();
    }

    const second = await start();
    try {
      expect((await second.ks.call('GET', '/auth/projects', { token: revoked })).status).toBe(401);
      expect(
        (await second.ks.call('GET', '/auth/tokens', { token: live, headers: { 'X-Subject-Token': revoked } })).status,
      ).toBe(404);
      // the signing key lives in the database too: the other token, issued before the restart, still works
      const ok = await second.ks.call('GET', '/auth/projects', { token: live });
      expect(ok.status).toBe(200);
      expect(ok.body.projects.map((p: { name: string }) => p.name)).toEqual(['admin']);
    } finally {
      await second.cp.close();
    }
  });
});
