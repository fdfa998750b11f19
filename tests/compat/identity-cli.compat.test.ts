import { describe, it } from 'vitest';
import { identityClient, suffix } from '../helpers/identity-client';
import { openstack } from '../helpers/openstack-cli';
import { startTestStack } from '../helpers/stack';

/**
 * The real `openstack` CLI (python3-openstackclient, unmodified) against Cumulo's identity API: what an operator
 * types, and what they would look at afterwards. Each CLI call costs about a second, so the tests run concurrently;
 * they share nothing but the bootstrap admin, whose tokens none of them revokes.
 */
type Row = Record<string, unknown>;

// Each CLI call starts a Python interpreter (about 1 s of CPU): on a busy 2-core machine a test of a dozen calls
// can take minutes, so the budget is generous; the calls themselves time out after 60 s each.
describe.concurrent('openstack CLI against the identity API', { timeout: 300_000 }, async () => {
  // started while the suite is collected: the helper's afterAll (stop, drop the database) only registers from there
  const stack = await startTestStack();
  const ks = identityClient(stack);

  const os = <T = Row>(args: string[], auth?: Parameters<typeof openstack>[2]) => openstack<T>(stack, args, auth);
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'succeeded',
      (e: Error) => e.message,
    );

  it('token issue / token revoke: the revoked token is then refused', async ({ expect }) => {
    const issued = await os<{ id: string; project_id: string; user_id: string; expires: string }>(['token', 'issue']);
    const adminUser = await ks.call('GET', `/users/${issued.user_id}`, { token: await ks.admin() });
    expect(adminUser.body.user.name).toBe('admin');
    expect(issued.id).toBeTruthy();
    expect(Date.parse(issued.expires)).toBeGreaterThan(Date.now());
    expect((await ks.call('GET', '/auth/projects', { token: issued.id })).status).toBe(200);

    await os(['token', 'revoke', issued.id]);
    const after = await ks.call('GET', '/auth/projects', { token: issued.id });
    expect(after.status).toBe(401);
  });

  it('catalog list, endpoint list and domain list show the identity service and the Default domain', async ({
    expect,
  }) => {
    const [catalog, endpoints, domains] = await Promise.all([
      os<{ Name: string; Type: string; Endpoints: { interface: string; url: string }[] }[]>(['catalog', 'list']),
      os<{ 'Service Type': string; Interface: string; URL: string; Enabled: boolean }[]>(['endpoint', 'list']),
      os<{ ID: string; Name: string; Enabled: boolean }[]>(['domain', 'list']),
    ]);
    const identity = catalog.find((s) => s.Type === 'identity');
    expect(identity?.Name).toBe('keystone');
    expect(identity?.Endpoints.find((e) => e.interface === 'public')?.url).toBe(stack.identityUrl);
    expect(
      endpoints
        .filter((e) => e['Service Type'] === 'identity')
        .map((e) => e.Interface)
        .sort(),
    ).toEqual(['admin', 'internal', 'public']);
    const identityEndpoints = endpoints.filter((e) => e['Service Type'] === 'identity');
    expect(identityEndpoints.every((e) => e.Enabled && e.URL === stack.identityUrl)).toBe(true);
    expect(domains).toContainEqual(expect.objectContaining({ ID: 'default', Name: 'Default', Enabled: true }));
  });

  it('project create / list / show / set / delete', async ({ expect }) => {
    const name = `p-${suffix()}`;
    const created = await os<{ id: string; name: string; description: string; enabled: boolean; domain_id: string }>([
      'project',
      'create',
      name,
      '--description',
      'first',
    ]);
    expect(created).toMatchObject({ name, description: 'first', enabled: true, domain_id: 'default' });

    expect(await os(['project', 'list'])).toContainEqual({ ID: created.id, Name: name });

    const renamed = `${name}-b`;
    await os(['project', 'set', name, '--name', renamed, '--description', 'second', '--disable']);
    const shown = await os(['project', 'show', created.id]);
    expect(shown).toMatchObject({ id: created.id, name: renamed, description: 'second', enabled: false });

    await os(['project', 'delete', renamed]);
    expect((await ks.call('GET', `/projects/${created.id}`, { token: await ks.admin() })).status).toBe(404);
  });

  it('user create / list / show / set --password / delete: the old password fails and the new one works', async ({
    expect,
  }) => {
    const project = await ks.createProject();
    const name = `u-${suffix()}`;
    const created = await os<{ id: string; name: string; email: string; default_project_id: string; enabled: boolean }>(
      ['user', 'create', name, '--password', 'first-pass', '--email', `${name}@example.org`, '--project', project.id],
    );
    expect(created).toMatchObject({
      name,
      email: `${name}@example.org`,
      default_project_id: project.id,
      enabled: true,
    });
    await ks.grant('member', { user: created.id }, { project: project.id });

    expect(await os(['user', 'list'])).toContainEqual({ ID: created.id, Name: name });
    expect(await os(['user', 'show', name])).toMatchObject({ id: created.id, domain_id: 'default' });

    const asUser = { user: name, project: project.name };
    const before = await ks.issueToken({ id: created.id }, 'first-pass', { project: { id: project.id } });

    await os(['user', 'set', name, '--password', 'second-pass']);
    expect(await refusal(os(['token', 'issue'], { ...asUser, password: 'first-pass' }))).toMatch(/HTTP 401/);
    expect(await os(['token', 'issue'], { ...asUser, password: 'second-pass' })).toMatchObject({
      user_id: created.id,
      project_id: project.id,
    });
    // the token issued with the old password died with it
    expect((await ks.call('GET', '/auth/projects', { token: before })).status).toBe(401);

    await os(['user', 'delete', created.id]);
    expect((await ks.call('GET', `/users/${created.id}`, { token: await ks.admin() })).status).toBe(404);
  });

  it('group create / group add user: the user is then a member', async ({ expect }) => {
    const user = await ks.createUser();
    const group = `g-${suffix()}`;
    const created = await os<{ id: string; name: string; domain_id: string }>([
      'group',
      'create',
      group,
      '--description',
      'team',
    ]);
    expect(created).toMatchObject({ name: group, domain_id: 'default' });

    await os(['group', 'add', 'user', group, user.name]);
    const members = await ks.call('GET', `/groups/${created.id}/users`, { token: await ks.admin() });
    expect(members.body.users.map((u: { id: string }) => u.id)).toEqual([user.id]);
  });

  it('role list / role add / role assignment list (--names, --user, --project) / role remove', async ({ expect }) => {
    const [project, user] = await Promise.all([ks.createProject(), ks.createUser()]);
    const roles = await os<{ ID: string; Name: string }[]>(['role', 'list']);
    expect(roles.map((r) => r.Name)).toEqual(expect.arrayContaining(['admin', 'member', 'reader']));

    await os(['role', 'add', '--project', project.name, '--user', user.name, 'member']);
    const [named, byId] = await Promise.all([
      os<Row[]>(['role', 'assignment', 'list', '--names', '--user', user.name, '--project', project.name]),
      os<Row[]>(['role', 'assignment', 'list', '--user', user.id]),
    ]);
    expect(named).toEqual([
      expect.objectContaining({
        Role: 'member',
        User: `${user.name}@Default`,
        Project: `${project.name}@Default`,
        Group: '',
      }),
    ]);
    expect(byId).toEqual([expect.objectContaining({ Role: 'member', User: user.id, Project: project.id })]);

    await os(['role', 'remove', '--project', project.name, '--user', user.name, 'member']);
    const left = await ks.call('GET', `/role_assignments?user.id=${user.id}`, { token: await ks.admin() });
    expect(left.body.role_assignments).toEqual([]);
  });

  it('application credential create / list / delete, and signing in with one', async ({ expect }) => {
    const { alice } = await ks.twoProjects();
    const asAlice = { user: alice.name, password: alice.password, project: alice.projectName };
    const name = `ac-${suffix()}`;
    const ac = await os<{
      id: string;
      name: string;
      secret: string;
      project_id: string;
      roles: string;
      description: string;
    }>(['application', 'credential', 'create', name, '--description', 'for the robot'], asAlice);
    expect(ac).toMatchObject({ name, project_id: alice.projectId, description: 'for the robot' });
    expect(ac.secret.length).toBeGreaterThanOrEqual(32);
    expect(ac.roles.split(/[\s,]+/).sort()).toEqual(['member', 'reader']);

    expect(await os(['application', 'credential', 'list'], asAlice)).toEqual([
      expect.objectContaining({ ID: ac.id, Name: name, 'Project ID': alice.projectId }),
    ]);

    const appAuth = [
      '--os-auth-type',
      'v3applicationcredential',
      '--os-application-credential-id',
      ac.id,
      '--os-application-credential-secret',
    ];
    const viaAc = await os<{ user_id: string; project_id: string; id: string }>([
      ...appAuth,
      ac.secret,
      'token',
      'issue',
    ]);
    expect(viaAc).toMatchObject({ user_id: alice.id, project_id: alice.projectId });
    const shown = await ks.call('GET', '/auth/tokens', { token: viaAc.id, headers: { 'X-Subject-Token': viaAc.id } });
    expect(shown.body.token.application_credential).toMatchObject({ id: ac.id, name });

    await os(['application', 'credential', 'delete', name], asAlice);
    const left = await ks.call('GET', `/users/${alice.id}/application_credentials`, { token: alice.token });
    expect(left.body.application_credentials).toEqual([]);
    const signIn = {
      auth: {
        identity: { methods: ['application_credential'], application_credential: { id: ac.id, secret: ac.secret } },
      },
    };
    expect((await ks.call('POST', '/auth/tokens', { body: signIn })).status).toBe(401);
  });

  it('ec2 credentials create / list', async ({ expect }) => {
    const { alice } = await ks.twoProjects();
    const asAlice = { user: alice.name, password: alice.password, project: alice.projectName };
    const created = await os<{ access: string; secret: string; project_id: string; user_id: string }>(
      ['ec2', 'credentials', 'create'],
      asAlice,
    );
    expect(created).toMatchObject({ project_id: alice.projectId, user_id: alice.id });
    expect(created.access).toBeTruthy();
    expect(created.secret).toBeTruthy();

    const listed = await os(['ec2', 'credentials', 'list'], asAlice);
    expect(listed).toEqual([
      { Access: created.access, Secret: created.secret, 'Project ID': alice.projectId, 'User ID': alice.id },
    ]);
  });
});
