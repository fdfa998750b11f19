/** Who is calling and in what scope: built from a validated token, handed to every service call. */
export type TokenScope =
  | { type: 'project'; projectId: string; projectName: string; domainId: string; domainName: string }
  | { type: 'domain'; domainId: string; domainName: string }
  | { type: 'unscoped' };

export type AuthContext = {
  token: string;
  userId: string;
  userName: string;
  userDomainId: string;
  userDomainName: string;
  scope: TokenScope;
  /** The scoped project, when the token is project-scoped (the tenant every resource lives in). */
  projectId: string | null;
  /** Effective roles in the scope, implied ones included (admin ⇒ member ⇒ reader). */
  roles: { id: string; name: string }[];
  roleNames: ReadonlySet<string>;
  methods: string[];
  auditIds: string[];
  issuedAt: Date;
  expiresAt: Date;
  appCredentialId?: string;
  requestId: string;
};

/** Cloud admin, as Keystone's legacy rule `role:admin` has it: the admin role in whatever scope. */
export const isCloudAdmin = (ctx: AuthContext) => ctx.roleNames.has('admin');
