import { randomBytes } from 'node:crypto';
import type { TestStack } from './stack';

/** A short random suffix for names, so tests never collide with each other or with a rerun. */
export const suffix = (): string => randomBytes(3).toString('hex');

/** Response bodies are whatever the server sent; tests assert on their fields directly. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export type Reply<T = Json> = { status: number; headers: Headers; body: T; text: string };

export type Actor = {
  id: string;
  name: string;
  password: string;
  /** The project the actor holds a role on, and a token scoped to it. */
  projectId: string;
  projectName: string;
  token: string;
};

type CallOpts = { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> };

/**
 * A tiny Keystone v3 client over fetch for tests: raw calls that return status and body, plus the few setup steps
 * every identity test needs (tokens, projects, users, grants). Setup steps use the bootstrap admin and throw on
 * anything unexpected, so a test only asserts on the calls it is about.
 */
export function identityClient(stack: TestStack) {
  const base = stack.identityUrl;

  async function call<T = Json>(method: string, path: string, opts: CallOpts = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers['X-Auth-Token'] = opts.token;
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['Content-Type'] ??= 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  /** Fails the test with the server's answer when a setup call does not return the expected status. */
  async function expectCall<T = Json>(
    status: number,
    method: string,
    path: string,
    opts: CallOpts = {},
  ): Promise<Reply<T>> {
    const r = await call<T>(method, path, opts);
    if (r.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${r.status}: ${r.text}`);
    return r;
  }

  type Scope =
    | {
        project?: { id: string } | { name: string; domain: { id: string } };
        domain?: { id: string };
        system?: { all: boolean };
      }
    | 'unscoped';
  const passwordBody = (user: { id: string } | { name: string; domain?: string }, password: string, scope?: Scope) => ({
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user:
            'id' in user
              ? { id: user.id, password }
              : { name: user.name, domain: { id: user.domain ?? 'default' }, password },
        },
      },
      ...(scope && { scope }),
    },
  });

  /** POST /v3/auth/tokens with a password: the raw reply, for tests about authentication itself. */
  const passwordAuth = (
    user: { id: string } | { name: string; domain?: string },
    password: string,
    scope?: Scope,
    query = '',
  ) => call('POST', `/auth/tokens${query}`, { body: passwordBody(user, password, scope) });

  /** A token, or a thrown error naming the reason. */
  async function issueToken(
    user: { id: string } | { name: string; domain?: string },
    password: string,
    scope?: Scope,
  ): Promise<string> {
    const r = await passwordAuth(user, password, scope);
    const token = r.headers.get('x-subject-token');
    if (r.status !== 201 || !token) throw new Error(`token issue failed: ${r.status} ${r.text}`);
    return token;
  }

  let adminToken: Promise<string> | undefined;
  /** The bootstrap admin's token on the admin project (issued once per client). */
  const admin = () =>
    (adminToken ??= issueToken({ name: 'admin' }, stack.adminPassword, {
      project: { name: 'admin', domain: { id: 'default' } },
    }));

  async function createProject(name = `p-${suffix()}`, extra: Record<string, unknown> = {}) {
    const r = await expectCall(201, 'POST', '/projects', {
      token: await admin(),
      body: { project: { name, ...extra } },
    });
    return r.body.project as { id: string; name: string; domain_id: string; enabled: boolean };
  }

  async function createUser(name = `u-${suffix()}`, password = `pw-${suffix()}`, extra: Record<string, unknown> = {}) {
    const r = await expectCall(201, 'POST', '/users', {
      token: await admin(),
      body: { user: { name, password, ...extra } },
    });
    return { ...(r.body.user as { id: string; name: string; domain_id: string }), password };
  }

  async function grant(
    role: string,
    actor: { user: string } | { group: string },
    target: { project: string } | { domain: string },
  ) {
    const a = 'user' in actor ? `users/${actor.user}` : `groups/${actor.group}`;
    const t = 'project' in target ? `projects/${target.project}` : `domains/${target.domain}`;
    await expectCall(204, 'PUT', `/${t}/${a}/roles/${role}`, { token: await admin() });
  }

  /** A fresh project and a fresh user holding `role` on it, with a token scoped there. */
  async function userOnProject(role = 'member', prefix = 'u'): Promise<Actor> {
    const project = await createProject();
    const user = await createUser(`${prefix}-${suffix()}`);
    await grant(role, { user: user.id }, { project: project.id });
    const token = await issueToken({ id: user.id }, user.password, { project: { id: project.id } });
    return {
      id: user.id,
      name: user.name,
      password: user.password,
      projectId: project.id,
      projectName: project.name,
      token,
    };
  }

  /** STYLE §4.11: alice is a member of project A, bob of project B; neither holds a role on the other's project. */
  async function twoProjects(): Promise<{ alice: Actor; bob: Actor }> {
    const [alice, bob] = await Promise.all([userOnProject('member', 'alice'), userOnProject('member', 'bob')]);
    return { alice, bob };
  }

  return {
    stack,
    base,
    call,
    expectCall,
    passwordAuth,
    issueToken,
    admin,
    createProject,
    createUser,
    grant,
    userOnProject,
    twoProjects,
  };
}

export type IdentityClient = ReturnType<typeof identityClient>;

/** Polls `check` until it returns true, failing after `timeoutMs`: wait for a state, never for a fixed time. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 5000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
