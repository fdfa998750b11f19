import type { AuthContext } from '../../server/policy/auth-context';

/** A token's context built by hand, for tests that call services or policy without HTTP. `projectId: null` = domain scope. */
export function authContext(opts: { roles: string[]; projectId?: string | null; userId?: string }): AuthContext {
  const projectId = opts.projectId === undefined ? 'p1' : opts.projectId;
  const userId = opts.userId ?? 'u1';
  return {
    token: 'test-token',
    userId,
    userName: userId,
    userDomainId: 'default',
    userDomainName: 'Default',
    scope: projectId
      ? { type: 'project', projectId, projectName: `p-${projectId}`, domainId: 'default', domainName: 'Default' }
      : { type: 'domain', domainId: 'default', domainName: 'Default' },
    projectId,
    roles: opts.roles.map((name) => ({ id: name, name })),
    roleNames: new Set(opts.roles),
    methods: ['password'],
    auditIds: ['a'],
    issuedAt: new Date(),
    expiresAt: new Date(Date.now() + 3600_000),
    requestId: 'req-test',
  };
}
