import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import type { AuthContext } from '../../../../policy/auth-context';
import type { TRoleAssignment } from '../../../../services/identity/identity.dto';
import type { Identity } from '../../../../services/identity/identity.module';
import type { ActorRef, TargetRef } from '../../../../services/identity/identity.repository';
import { authOf, noContent } from '../../request-auth';
import { parseInput, ZQueryBool } from '../../validate';
import { ZRoleCreateBody, ZRoleUpdateBody } from './identity.schemas';
import { assignmentView, listLinks, roleView, type AssignmentNames, type Links } from './identity.view';

type IdParams = { id: string };
type GrantParams = { targets: string; target: string; actors: string; actor: string; roleId: string };

function grantRefs(p: Omit<GrantParams, 'roleId'>): { actor: ActorRef; target: TargetRef } {
  const target = p.targets === 'projects' ? 'project' : p.targets === 'domains' ? 'domain' : null;
  const actor = p.actors === 'users' ? 'user' : p.actors === 'groups' ? 'group' : null;
  if (!target || !actor) throw new AppError('NotFound', 'The resource could not be found.');
  return { actor: { type: actor, id: p.actor }, target: { type: target, id: p.target } };
}

const ZAssignmentQuery = z
  .object({
    'user.id': z.string().max(64).optional(),
    'group.id': z.string().max(64).optional(),
    'scope.project.id': z.string().max(64).optional(),
    'scope.domain.id': z.string().max(64).optional(),
    'role.id': z.string().max(64).optional(),
    effective: ZQueryBool.optional(),
    include_names: ZQueryBool.optional(),
  })
  .passthrough();

export function roleRoutes(app: FastifyInstance, identity: Identity, links: Links) {
  app.get('/roles', async (req) => {
    const q = parseInput(z.object({ name: z.string().max(1024).optional() }).passthrough(), req.query);
    const roles = await identity.roles.list(authOf(req), { name: q.name });
    return { roles: roles.map((r) => roleView(links, r)), links: listLinks(links, 'roles') };
  });
  app.get<{ Params: IdParams }>('/roles/:id', async (req) => ({ role: roleView(links, await identity.roles.get(authOf(req), req.params.id)) }));
  app.post('/roles', async (req, reply) => {
    const { role: r } = parseInput(ZRoleCreateBody, req.body);
    return reply.status(201).send({ role: roleView(links, await identity.roles.create(authOf(req), { name: r.name, description: r.description ?? '' })) });
  });
  app.patch<{ Params: IdParams }>('/roles/:id', async (req) => {
    const { role: r } = parseInput(ZRoleUpdateBody, req.body);
    return { role: roleView(links, await identity.roles.update(authOf(req), req.params.id, { name: r.name, description: r.description ?? undefined })) };
  });
  app.delete<{ Params: IdParams }>('/roles/:id', async (req, reply) => {
    await identity.roles.delete(authOf(req), req.params.id);
    return noContent(reply);
  });

  const grantPath = '/:targets/:target/:actors/:actor/roles';
  app.get<{ Params: Omit<GrantParams, 'roleId'> }>(grantPath, async (req) => {
    const { actor, target } = grantRefs(req.params);
    const roles = await identity.roles.listGrants(authOf(req), actor, target);
    return { roles: roles.map((r) => roleView(links, r)), links: listLinks(links, req.url.replace(/^.*\/v3\//, '')) };
  });
  app.put<{ Params: GrantParams }>(`${grantPath}/:roleId`, async (req, reply) => {
    const { actor, target } = grantRefs(req.params);
    await identity.roles.grant(authOf(req), actor, target, req.params.roleId);
    return noContent(reply);
  });
  const check = async (req: FastifyRequest<{ Params: GrantParams }>, reply: FastifyReply) => {
    const { actor, target } = grantRefs(req.params);
    const held = await identity.roles.check(authOf(req), actor, target, req.params.roleId);
    if (!held) throw new AppError('NotFound', `Could not find role assignment of role ${req.params.roleId}.`);
    return noContent(reply);
  };
  app.head<{ Params: GrantParams }>(`${grantPath}/:roleId`, check);
  app.get<{ Params: GrantParams }>(`${grantPath}/:roleId`, check);
  app.delete<{ Params: GrantParams }>(`${grantPath}/:roleId`, async (req, reply) => {
    const { actor, target } = grantRefs(req.params);
    await identity.roles.revoke(authOf(req), actor, target, req.params.roleId);
    return noContent(reply);
  });

  app.get('/role_assignments', async (req) => {
    const q = parseInput(ZAssignmentQuery, req.query);
    const ctx = authOf(req);
    const rows = await identity.roles.listAssignments(ctx, {
      userId: q['user.id'],
      groupId: q['group.id'],
      projectId: q['scope.project.id'],
      domainId: q['scope.domain.id'],
      roleId: q['role.id'],
      effective: q.effective,
    });
    const names = q.include_names ? await namesFor(identity, ctx, rows) : undefined;
    return { role_assignments: rows.map((a) => assignmentView(links, a, names)), links: listLinks(links, 'role_assignments') };
  });
}

/** ?include_names: the names of every role, actor and target in the answer, looked up once each. */
async function namesFor(identity: Identity, ctx: AuthContext, rows: TRoleAssignment[]): Promise<AssignmentNames> {
  const domains = new Map((await identity.domains.list(ctx)).map((d) => [d.id, { id: d.id, name: d.name }]));
  const dom = (id: string) => domains.get(id) ?? { id, name: '' };
  const actors = new Map<string, { name: string; domain: { id: string; name: string } }>();
  const targets = new Map<string, { name: string; domain?: { id: string; name: string } }>();
  for (const u of await identity.users.list(ctx)) actors.set(u.id, { name: u.name, domain: dom(u.domainId) });
  for (const g of await identity.groups.list(ctx)) actors.set(g.id, { name: g.name, domain: dom(g.domainId) });
  for (const p of await identity.projects.list(ctx)) targets.set(p.id, { name: p.name, domain: dom(p.domainId) });
  for (const d of domains.values()) targets.set(d.id, { name: d.name });
  return { roles: new Map(rows.map((r) => [r.roleId, r.roleName])), actors, targets };
}
