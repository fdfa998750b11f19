import { beforeAll, describe, expect, it } from 'vitest';
import { identityClient, suffix, waitUntil, type IdentityClient } from '../../../../../tests/helpers/identity-client';
import { startTestStack } from '../../../../../tests/helpers/stack';

/**
 * The five kinds an admin creates by name, with the body each one needs besides the name, and the longest name
 * Keystone takes for it (64 for projects and domains, 255 for the rest).
 */
const KINDS = {
  project: { path: '/projects', extra: {}, maxName: 64 },
  user: { path: '/users', extra: { password: 'a-secret' }, maxName: 255 },
  group: { path: '/groups', extra: {}, maxName: 255 },
  role: { path: '/roles', extra: {}, maxName: 255 },
  domain: { path: '/domains', extra: {}, maxName: 64 },
} as const;
type Kind = keyof typeof KINDS;
const kinds = Object.keys(KINDS) as Kind[];
const plural = (k: Kind) => `${k}s`;

describe('bad input: a 400 that says which field and why, and nothing written', async () => {
  // started while the suite is collected: the helper's afterAll (stop, drop the database) only registers from there
  const ks = identityClient(await startTestStack());
  let admin: string;

  beforeAll(async () => {
    admin = await ks.admin();
  });

  const create = (kind: Kind, fields: Record<string, unknown>) =>
    ks.call('POST', KINDS[kind].path, { token: admin, body: { [kind]: { ...KINDS[kind].extra, ...fields } } });
  /** The refused create left nothing behind: listing by the name finds nothing. */
  const expectNoneNamed = async (kind: Kind, name: string) => {
    const list = await ks.call('GET', `${KINDS[kind].path}?name=${encodeURIComponent(name)}`, { token: admin });
    expect(list.status).toBe(200);
    expect(list.body[plural(kind)]).toEqual([]);
  };
  const expectBadRequest = (
    r: { status: number; body: { error: { code: number; title: string; message: string } } },
    message: RegExp,
  ) => {
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 400, title: 'Bad Request' });
    expect(r.body.error.message).toMatch(message);
  };

  it.each(kinds)('returns 400 for a %s body that is not JSON, and creates nothing', async (kind) => {
    const name = `n-${suffix()}`;
    const r = await ks.call('POST', KINDS[kind].path, { token: admin, raw: `{"${kind}": {"name": "${name}",` });
    expectBadRequest(r, /Malformed JSON/);
    await expectNoneNamed(kind, name);
  });

  it.each(kinds)('returns 400 naming the field when a %s has a wrong type', async (kind) => {
    const name = `n-${suffix()}`;
    // enabled where the kind has it, else description: both must be of one type and are sent as another
    const [field, value] =
      kind === 'project' || kind === 'user' || kind === 'domain' ? ['enabled', 'yes'] : ['description', 42];
    const r = await create(kind, { name, [field]: value });
    expectBadRequest(
      r,
      new RegExp(`Invalid input for field '${kind}\\.${field}': Expected (boolean|string), received (string|number)`),
    );
    await expectNoneNamed(kind, name);
  });

  it.each(kinds)("returns 400 saying 'name' is required when a %s has none", async (kind) => {
    const before = await ks.call('GET', KINDS[kind].path, { token: admin });
    const r = await create(kind, { description: 'no name' });
    expectBadRequest(r, new RegExp(`Invalid input for field '${kind}\\.name': 'name' is a required property`));
    const after = await ks.call('GET', KINDS[kind].path, { token: admin });
    expect(after.body[plural(kind)]).toHaveLength(before.body[plural(kind)].length);
  });

  it.each(kinds)('returns 400 naming an unknown field in a %s', async (kind) => {
    const name = `n-${suffix()}`;
    const r = await create(kind, { name, colour: 'blue' });
    expectBadRequest(
      r,
      new RegExp(
        `Invalid input for field '${kind}': Additional properties are not allowed \\('colour' was unexpected\\)`,
      ),
    );
    await expectNoneNamed(kind, name);
  });

  it.each(kinds)("returns 400 for a %s name one character longer than Keystone's limit, and accepts the limit", async (kind) => {
    const max = KINDS[kind].maxName;
    const tooLong = `n${suffix()}`.padEnd(max + 1, 'x');
    expectBadRequest(
      await create(kind, { name: tooLong }),
      new RegExp(`Invalid input for field '${kind}\\.name': must be at most ${max} characters`),
    );
    await expectNoneNamed(kind, tooLong);
    const longest = tooLong.slice(0, max);
    expect((await create(kind, { name: longest })).status).toBe(201);
  });

  it.each(kinds)('returns 400 for a %s name holding a NUL character, never a 500', async (kind) => {
    const name = `n-${suffix()}`;
    expectBadRequest(
      await create(kind, { name: `${name}\u0000` }),
      new RegExp(`Invalid input for field '${kind}\\.name': must not contain the NUL character`),
    );
    await expectNoneNamed(kind, name);
  });

  it('returns 400 for a body that is an array, or a top-level key that is not the resource', async () => {
    expectBadRequest(
      await ks.call('POST', '/projects', { token: admin, body: [{ project: { name: 'x' } }] }),
      /Expected object, received array/,
    );
    expectBadRequest(
      await ks.call('POST', '/projects', { token: admin, body: { tenant: { name: 'x' } } }),
      /'project' is a required property/,
    );
  });

  it('returns 400 naming the field of a bad query parameter', async () => {
    expectBadRequest(
      await ks.call('GET', '/projects?enabled=maybe', { token: admin }),
      /Invalid input for field 'enabled'/,
    );
    expectBadRequest(
      await ks.call('GET', '/projects?name=a%00b', { token: admin }),
      /Invalid input for field 'name': must not contain the NUL character/,
    );
  });

  it('returns 413 for a body over 112 KiB, and creates nothing', async () => {
    const name = `n-${suffix()}`;
    const r = await ks.call('POST', '/projects', {
      token: admin,
      body: { project: { name, description: 'x'.repeat(113 * 1024) } },
    });
    expect(r.status).toBe(413);
    expect(r.body.error).toMatchObject({ code: 413, title: 'Request Entity Too Large' });
    await expectNoneNamed('project', name);
  });

  it('updates nothing when an update is refused', async () => {
    const p = await ks.createProject(undefined, { description: 'before' });
    expectBadRequest(
      await ks.call('PATCH', `/projects/${p.id}`, {
        token: admin,
        body: { project: { description: 'after', enabled: 'no' } },
      }),
      /project\.enabled/,
    );
    expectBadRequest(
      await ks.call('PATCH', `/projects/${p.id}`, {
        token: admin,
        body: { project: { description: 'after', domain_id: 'x' } },
      }),
      /'domain_id' was unexpected/,
    );
    const now = await ks.call('GET', `/projects/${p.id}`, { token: admin });
    expect(now.body.project).toMatchObject({ description: 'before', enabled: true });
  });

  it.each([
    ['non-hex garbage', 'zz-not-an-id!'],
    ['a NUL character', 'a%00b'],
    ['an all-zero id', '0'.repeat(32)],
  ])('returns 404, never 500, for an id that is %s', async (_what, id) => {
    for (const kind of kinds) {
      const path = `${KINDS[kind].path}/${id}`;
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const r = await ks.call(method, path, {
          token: admin,
          body: method === 'PATCH' ? { [kind]: { description: 'x' } } : undefined,
        });
        expect({ method, path, status: r.status }).toEqual({ method, path, status: 404 });
        expect(r.body.error.code).toBe(404);
      }
    }
    const grant = await ks.call('PUT', `/projects/${id}/users/${id}/roles/${id}`, { token: admin });
    expect(grant.status).toBe(404);
  });

  // Fastify refuses a path segment over 100 characters before routing; see server/api/openstack/framework-errors.ts
  it('returns 404 in Keystone shape, never 500, for a 4,000-character id', async () => {
    const id = 'a'.repeat(4000);
    for (const kind of kinds) {
      const r = await ks.call('GET', `${KINDS[kind].path}/${id}`, { token: admin });
      expect({ kind, status: r.status }).toEqual({ kind, status: 404 });
      expect(r.body.error.code).toBe(404);
    }
  });

  it.each(kinds)('returns 409 for a second %s with the same name', async (kind) => {
    const name = `dup-${suffix()}`;
    expect((await create(kind, { name })).status).toBe(201);
    const again = await create(kind, { name });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 409, title: 'Conflict' });
    expect(again.body.error.message).toContain(kind);
    const list = await ks.call('GET', `${KINDS[kind].path}?name=${name}`, { token: admin });
    expect(list.body[plural(kind)]).toHaveLength(1);
  });

  it.each(kinds)('returns 409 when a %s is renamed to a name that is taken', async (kind) => {
    const [a, b] = [`dup-${suffix()}`, `dup-${suffix()}`];
    const first = await create(kind, { name: a });
    const second = await create(kind, { name: b });
    const id = second.body[kind].id;
    const r = await ks.call('PATCH', `${KINDS[kind].path}/${id}`, { token: admin, body: { [kind]: { name: a } } });
    expect(r.status).toBe(409);
    expect(first.status).toBe(201);
    expect((await ks.call('GET', `${KINDS[kind].path}/${id}`, { token: admin })).body[kind].name).toBe(b);
  });
});

describe('authentication failures', async () => {
  const ks = identityClient(await startTestStack());

  it('returns 401 with the same message for a wrong password and for a user that does not exist', async () => {
    const user = await ks.createUser();
    const wrongPassword = await ks.passwordAuth({ name: user.name }, 'not-the-password');
    const noSuchUser = await ks.passwordAuth({ name: `nobody-${suffix()}` }, 'not-the-password');
    const noSuchId = await ks.passwordAuth({ id: '0'.repeat(32) }, 'not-the-password');
    const noSuchDomain = await ks.passwordAuth({ name: user.name, domain: `nodomain-${suffix()}` }, user.password);
    for (const r of [wrongPassword, noSuchUser, noSuchId, noSuchDomain]) {
      expect(r.status).toBe(401);
      expect(r.headers.get('x-subject-token')).toBeNull();
    }
    expect(noSuchUser.body).toEqual(wrongPassword.body);
    expect(noSuchId.body).toEqual(wrongPassword.body);
    expect(noSuchDomain.body).toEqual(wrongPassword.body);
    expect(wrongPassword.body.error.message).not.toMatch(new RegExp(user.name));
  });

  it('throttles a user after repeated wrong passwords (429 with Retry-After) while another user still signs in', async () => {
    const [victim, other] = await Promise.all([ks.createUser(), ks.createUser()]);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<IdentityClient['passwordAuth']>> | undefined;
    for (let i = 0; i < 6; i++) {
      last = await ks.passwordAuth({ name: victim.name }, `wrong-${i}`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(last!.body.error.code).toBe(429);
    const retryAfter = Number(last!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // the right password waits too: the point is to stop guessing, not to confirm a guess
    expect((await ks.passwordAuth({ name: victim.name }, victim.password)).status).toBe(429);
    expect((await ks.passwordAuth({ name: other.name }, other.password)).status).toBe(201);
  });

  it('returns 401 for a system-scoped token request, as Keystone does for a user without a system role', async () => {
    const r = await ks.passwordAuth({ name: 'admin' }, ks.stack.adminPassword, { system: { all: true } });
    expect(r.status).toBe(401);
    expect(r.headers.get('x-subject-token')).toBeNull();
  });

  it('returns 401 on every API for a revoked token', async () => {
    const admin = await ks.admin();
    const { alice } = await ks.twoProjects();
    const token = await ks.issueToken({ id: alice.id }, alice.password, { project: { id: alice.projectId } });
    const paths = [
      '/auth/catalog',
      '/auth/projects',
      '/auth/domains',
      `/projects/${alice.projectId}`,
      `/users/${alice.id}`,
      `/users/${alice.id}/projects`,
      `/users/${alice.id}/groups`,
      `/users/${alice.id}/application_credentials`,
      `/users/${alice.id}/credentials/OS-EC2`,
      '/services',
      '/endpoints',
      '/regions',
    ];
    for (const path of paths)
      expect({ path, status: (await ks.call('GET', path, { token })).status }).toEqual({ path, status: 200 });

    expect(
      (await ks.call('DELETE', '/auth/tokens', { token: admin, headers: { 'X-Subject-Token': token } })).status,
    ).toBe(204);

    for (const path of [...paths, '/projects', '/users', '/roles']) {
      const r = await ks.call('GET', path, { token });
      expect({ path, status: r.status }).toEqual({ path, status: 401 });
      expect(r.body.error.message).toBe('The request you have made requires authentication.');
    }
    const write = await ks.call('POST', `/users/${alice.id}/application_credentials`, {
      token,
      body: { application_credential: { name: `ac-${suffix()}` } },
    });
    expect(write.status).toBe(401);
    const rescope = await ks.call('POST', '/auth/tokens', {
      body: { auth: { identity: { methods: ['token'], token: { id: token } } } },
    });
    expect(rescope.status).toBe(401);
    // validating it is "not found", revoking it again too, as in Keystone
    expect((await ks.call('GET', '/auth/tokens', { token: admin, headers: { 'X-Subject-Token': token } })).status).toBe(
      404,
    );
    expect(
      (await ks.call('DELETE', '/auth/tokens', { token: admin, headers: { 'X-Subject-Token': token } })).status,
    ).toBe(404);
    // alice's other token is untouched
    expect((await ks.call('GET', '/auth/projects', { token: alice.token })).status).toBe(200);
  });

  it("invalidates a user's tokens when the user is disabled, and refuses new ones", async () => {
    const admin = await ks.admin();
    const { alice } = await ks.twoProjects();
    expect((await ks.call('GET', '/auth/projects', { token: alice.token })).status).toBe(200);
    expect(
      (await ks.call('PATCH', `/users/${alice.id}`, { token: admin, body: { user: { enabled: false } } })).status,
    ).toBe(200);
    expect((await ks.call('GET', '/auth/projects', { token: alice.token })).status).toBe(401);
    expect((await ks.passwordAuth({ id: alice.id }, alice.password)).status).toBe(401);

    // enabling the user again lets them sign in anew; the old token stays dead
    expect(
      (await ks.call('PATCH', `/users/${alice.id}`, { token: admin, body: { user: { enabled: true } } })).status,
    ).toBe(200);
    expect((await ks.passwordAuth({ id: alice.id }, alice.password, { project: { id: alice.projectId } })).status).toBe(
      201,
    );
    expect((await ks.call('GET', '/auth/projects', { token: alice.token })).status).toBe(401);
  });

  it('invalidates the tokens scoped to a project when the project is disabled, and no others', async () => {
    const admin = await ks.admin();
    const { alice, bob } = await ks.twoProjects();
    const unscoped = await ks.issueToken({ id: alice.id }, alice.password, 'unscoped');
    expect(
      (await ks.call('PATCH', `/projects/${alice.projectId}`, { token: admin, body: { project: { enabled: false } } }))
        .status,
    ).toBe(200);

    expect((await ks.call('GET', '/auth/projects', { token: alice.token })).status).toBe(401);
    expect((await ks.passwordAuth({ id: alice.id }, alice.password, { project: { id: alice.projectId } })).status).toBe(
      401,
    );
    expect((await ks.call('GET', `/users/${alice.id}`, { token: unscoped })).status).toBe(200);
    expect((await ks.call('GET', '/auth/projects', { token: bob.token })).status).toBe(200);
  });

  it("invalidates a user's old tokens on a password change, while a token issued right after works", async () => {
    const { alice } = await ks.twoProjects();
    const newPassword = `new-${suffix()}`;
    const change = await ks.call('POST', `/users/${alice.id}/password`, {
      token: alice.token,
      body: { user: { original_password: alice.password, password: newPassword } },
    });
    expect(change.status).toBe(204);

    expect((await ks.call('GET', '/auth/projects', { token: alice.token })).status).toBe(401);
    expect((await ks.passwordAuth({ id: alice.id }, alice.password)).status).toBe(401);
    const fresh = await ks.issueToken({ id: alice.id }, newPassword, { project: { id: alice.projectId } });
    const r = await ks.call('GET', '/auth/projects', { token: fresh });
    expect(r.status).toBe(200);
    expect(r.body.projects.map((p: { id: string }) => p.id)).toEqual([alice.projectId]);
  });

  it('returns 401 and changes nothing when the original password is wrong', async () => {
    const { alice } = await ks.twoProjects();
    const r = await ks.call('POST', `/users/${alice.id}/password`, {
      token: alice.token,
      body: { user: { original_password: 'not-it', password: 'whatever-new' } },
    });
    expect(r.status).toBe(401);
    expect((await ks.call('GET', '/auth/projects', { token: alice.token })).status).toBe(200);
    expect((await ks.passwordAuth({ id: alice.id }, alice.password)).status).toBe(201);
  });
});

describe('expired tokens', async () => {
  const ks = identityClient(await startTestStack({ TOKEN_TTL_SECONDS: '1' }));

  it('returns 401 once a token has expired (TOKEN_TTL_SECONDS=1)', async () => {
    const token = await ks.issueToken({ name: 'admin' }, 'admin-secret', {
      project: { name: 'admin', domain: { id: 'default' } },
    });
    const issued = Date.now();
    expect((await ks.call('GET', '/auth/projects', { token })).status).toBe(200);
    await waitUntil(
      'the token to expire',
      async () => (await ks.call('GET', '/auth/projects', { token })).status === 401,
      3000,
    );
    expect(Date.now() - issued).toBeGreaterThanOrEqual(800);

    const r = await ks.call('GET', '/projects', { token });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toBe('The request you have made requires authentication.');
    // validated by a live token, an expired one is "not found", as in Keystone
    const fresh = await ks.issueToken({ name: 'admin' }, 'admin-secret', {
      project: { name: 'admin', domain: { id: 'default' } },
    });
    expect((await ks.call('GET', '/auth/tokens', { token: fresh, headers: { 'X-Subject-Token': token } })).status).toBe(
      404,
    );
  });
});
