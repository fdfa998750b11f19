import type { AuthContext } from '../../../../policy/auth-context';
import type { TCatalogService, TEndpoint, TRegion } from '../../../../services/identity/catalog.repository';
import type { TCatalogEntry } from '../../../../services/identity/catalog.service';
import type { TAppCredential, TDomain, TEc2Credential, TGroup, TProject, TRole, TRoleAssignment, TUser } from '../../../../services/identity/identity.dto';

/** DTO → Keystone v3 JSON. Field names and shapes follow the Keystone API reference (Tempest checks them). */
export type Links = { base: string };

/** Keystone prints times with microseconds: 2015-11-05T22:00:11.000000Z. */
export const keystoneTime = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/**
 * Keystone prints an application credential's expiry as Python's datetime.isoformat() of the naive UTC time:
 * 2015-11-05T22:00:11.123456, without the fraction when it is zero. `micros` carries the sub-millisecond digits a
 * client sent (a Date keeps milliseconds only), so the create answer echoes the very time asked for.
 */
export function keystoneNaiveTime(d: Date, micros = 0) {
  const base = d.toISOString().replace(/\.\d{3}Z$/, '');
  const us = d.getUTCMilliseconds() * 1000 + micros;
  return us === 0 ? base : `${base}.${String(us).padStart(6, '0')}`;
}

const self = (l: Links, path: string) => ({ self: `${l.base}/${path}` });
export const listLinks = (l: Links, path: string) => ({ self: `${l.base}/${path}`, previous: null, next: null });

export const domainView = (l: Links, d: TDomain) => ({
  id: d.id,
  name: d.name,
  description: d.description,
  enabled: d.enabled,
  tags: [],
  options: {},
  links: self(l, `domains/${d.id}`),
});

export const projectView = (l: Links, p: TProject) => ({
  id: p.id,
  name: p.name,
  domain_id: p.domainId,
  description: p.description,
  enabled: p.enabled,
  parent_id: p.parentId ?? p.domainId,
  is_domain: false,
  tags: p.tags,
  options: {},
  links: self(l, `projects/${p.id}`),
});

export const userView = (l: Links, u: TUser) => ({
  id: u.id,
  name: u.name,
  domain_id: u.domainId,
  enabled: u.enabled,
  ...(u.email !== null && { email: u.email }),
  ...(u.description !== null && { description: u.description }),
  // project_id: the legacy attribute clients still send and read back (Keystone keeps it as an extra); the same project
  ...(u.defaultProjectId !== null && { default_project_id: u.defaultProjectId, project_id: u.defaultProjectId }),
  password_expires_at: u.passwordExpiresAt ? keystoneTime(u.passwordExpiresAt) : null,
  options: {},
  links: self(l, `users/${u.id}`),
});

export const groupView = (l: Links, g: TGroup) => ({
  id: g.id,
  name: g.name,
  domain_id: g.domainId,
  description: g.description,
  links: self(l, `groups/${g.id}`),
});

export const roleView = (l: Links, r: TRole) => ({
  id: r.id,
  name: r.name,
  domain_id: null,
  description: r.description,
  options: {},
  links: self(l, `roles/${r.id}`),
});

export type AssignmentNames = { roles: Map<string, string>; actors: Map<string, { name: string; domain: { id: string; name: string } }>; targets: Map<string, { name: string; domain?: { id: string; name: string } }> };

export function assignmentView(l: Links, a: TRoleAssignment, names?: AssignmentNames) {
  const actor = { id: a.actor.id, ...(names?.actors.get(a.actor.id) ?? {}) };
  const target = { id: a.target.id, ...(names?.targets.get(a.target.id) ?? {}) };
  const path = `${a.target.type}s/${a.target.id}/${a.actor.type}s/${a.actor.id}/roles/${a.roleId}`;
  return {
    role: { id: a.roleId, ...(names && { name: a.roleName }) },
    [a.actor.type]: actor,
    scope: { [a.target.type]: target },
    links: { assignment: `${l.base}/${path}` },
  };
}

const endpointInCatalog = (e: TEndpoint) => ({ id: e.id, interface: e.interface, region_id: e.regionId || null, region: e.regionId || null, url: e.url });

export const serviceView = (l: Links, s: TCatalogService) => ({
  id: s.id,
  type: s.type,
  name: s.name,
  description: s.description,
  enabled: s.enabled,
  links: self(l, `services/${s.id}`),
});

export const regionView = (l: Links, r: TRegion) => ({
  id: r.id,
  description: r.description,
  parent_region_id: r.parentRegionId,
  links: self(l, `regions/${r.id}`),
});
export const catalogView = (c: TCatalogEntry[]) => c.map((s) => ({ id: s.id, type: s.type, name: s.name, endpoints: s.endpoints.map(endpointInCatalog) }));

export const endpointView = (l: Links, e: TEndpoint) => ({
  id: e.id,
  service_id: e.serviceId,
  interface: e.interface,
  // '' stores "no region"
  region_id: e.regionId || null,
  region: e.regionId || null,
  url: e.url,
  enabled: e.enabled,
  links: self(l, `endpoints/${e.id}`),
});

export function tokenView(ctx: AuthContext, catalog: TCatalogEntry[] | null, appCredential?: { id: string; name: string; restricted: boolean }) {
  const s = ctx.scope;
  return {
    token: {
      methods: ctx.methods,
      user: { id: ctx.userId, name: ctx.userName, domain: { id: ctx.userDomainId, name: ctx.userDomainName }, password_expires_at: null },
      audit_ids: ctx.auditIds,
      expires_at: keystoneTime(ctx.expiresAt),
      issued_at: keystoneTime(ctx.issuedAt),
      ...(s.type === 'project' && {
        project: { id: s.projectId, name: s.projectName, domain: { id: s.domainId, name: s.domainName } },
        is_domain: false,
      }),
      ...(s.type === 'domain' && { domain: { id: s.domainId, name: s.domainName } }),
      ...(s.type !== 'unscoped' && { roles: ctx.roles.map((r) => ({ id: r.id, name: r.name })) }),
      ...(catalog && s.type !== 'unscoped' && { catalog: catalogView(catalog) }),
      ...(appCredential && { application_credential: appCredential }),
    },
  };
}

export const appCredentialView = (l: Links, c: TAppCredential & { secret?: string }, expiresMicros = 0) => ({
  id: c.id,
  name: c.name,
  description: c.description,
  user_id: c.userId,
  project_id: c.projectId,
  roles: c.roles,
  unrestricted: c.unrestricted,
  expires_at: c.expiresAt ? keystoneNaiveTime(c.expiresAt, expiresMicros) : null,
  access_rules: [],
  ...(c.secret !== undefined && { secret: c.secret }),
  links: self(l, `users/${c.userId}/application_credentials/${c.id}`),
});

export const ec2View = (l: Links, c: TEc2Credential) => ({
  user_id: c.userId,
  tenant_id: c.projectId,
  access: c.access,
  secret: c.secret,
  trust_id: null,
  links: self(l, `users/${c.userId}/credentials/OS-EC2/${c.access}`),
});

/** An EC2 credential as the generic credentials API shows it: the keys in a JSON string blob. */
export const credentialView = (l: Links, c: TEc2Credential) => ({
  id: c.id,
  user_id: c.userId,
  project_id: c.projectId,
  type: 'ec2',
  blob: JSON.stringify({ access: c.access, secret: c.secret, trust_id: null }),
  links: self(l, `credentials/${c.id}`),
});
