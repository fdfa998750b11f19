import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import type { Identity } from '../../../../services/identity/identity.module';
import { authOf, noContent } from '../../request-auth';
import { parseInput, ZQueryBool } from '../../validate';
import { ZGroupCreateBody, ZGroupUpdateBody, ZPasswordChangeBody, ZUserCreateBody, ZUserUpdateBody } from './identity.schemas';
import { groupView, listLinks, userView, type Links } from './identity.view';

type IdParams = { id: string };
type MemberParams = { id: string; userId: string };
const ZListQuery = z.object({ name: z.string().max(1024).optional(), domain_id: z.string().max(64).optional(), enabled: ZQueryBool.optional() }).passthrough();

export function userRoutes(app: FastifyInstance, identity: Identity, links: Links) {
  app.get('/users', async (req) => {
    const q = parseInput(ZListQuery, req.query);
    const users = await identity.users.list(authOf(req), { name: q.name, domainId: q.domain_id, enabled: q.enabled });
    return { users: users.map((u) => userView(links, u)), links: listLinks(links, 'users') };
  });
  app.get<{ Params: IdParams }>('/users/:id', async (req) => ({ user: userView(links, await identity.users.get(authOf(req), req.params.id)) }));
  app.post('/users', async (req, reply) => {
    const { user: u } = parseInput(ZUserCreateBody, req.body);
    const created = await identity.users.create(authOf(req), {
      name: u.name,
      domainId: u.domain_id ?? authOf(req).userDomainId,
      password: u.password ?? undefined,
      email: u.email ?? undefined,
      description: u.description ?? undefined,
      enabled: u.enabled,
      // Keystone keeps a project_id as an extra attribute; Cumulo takes it as the default project when none is named
      defaultProjectId: u.default_project_id === undefined ? u.project_id : u.default_project_id,
    });
    return reply.status(201).send({ user: userView(links, created) });
  });
  app.patch<{ Params: IdParams }>('/users/:id', async (req) => {
    const { user: u } = parseInput(ZUserUpdateBody, req.body);
    if (u.id !== undefined && u.id !== req.params.id) throw new AppError('BadRequest', 'Cannot change user ID.');
    const updated = await identity.users.update(authOf(req), req.params.id, {
      name: u.name,
      password: u.password ?? undefined,
      email: u.email ?? undefined,
      description: u.description ?? undefined,
      enabled: u.enabled,
      defaultProjectId: u.default_project_id === undefined ? u.project_id : u.default_project_id,
    });
    return { user: userView(links, updated) };
  });
  app.post<{ Params: IdParams }>('/users/:id/password', async (req, reply) => {
    const { user: u } = parseInput(ZPasswordChangeBody, req.body);
    await identity.users.changePassword(authOf(req), req.params.id, { originalPassword: u.original_password, password: u.password });
    return noContent(reply);
  });
  app.delete<{ Params: IdParams }>('/users/:id', async (req, reply) => {
    await identity.users.delete(authOf(req), req.params.id);
    return noContent(reply);
  });
  app.get<{ Params: IdParams }>('/users/:id/groups', async (req) => {
    const groups = await identity.groups.listForUser(authOf(req), req.params.id);
    return { groups: groups.map((g) => groupView(links, g)), links: listLinks(links, `users/${req.params.id}/groups`) };
  });

  app.get('/groups', async (req) => {
    const q = parseInput(ZListQuery, req.query);
    const groups = await identity.groups.list(authOf(req), { name: q.name, domainId: q.domain_id });
    return { groups: groups.map((g) => groupView(links, g)), links: listLinks(links, 'groups') };
  });
  app.get<{ Params: IdParams }>('/groups/:id', async (req) => ({ group: groupView(links, await identity.groups.get(authOf(req), req.params.id)) }));
  app.post('/groups', async (req, reply) => {
    const { group: g } = parseInput(ZGroupCreateBody, req.body);
    const created = await identity.groups.create(authOf(req), { name: g.name, domainId: g.domain_id ?? authOf(req).userDomainId, description: g.description ?? '' });
    return reply.status(201).send({ group: groupView(links, created) });
  });
  app.patch<{ Params: IdParams }>('/groups/:id', async (req) => {
    const { group: g } = parseInput(ZGroupUpdateBody, req.body);
    return { group: groupView(links, await identity.groups.update(authOf(req), req.params.id, { name: g.name, description: g.description ?? undefined })) };
  });
  app.delete<{ Params: IdParams }>('/groups/:id', async (req, reply) => {
    await identity.groups.delete(authOf(req), req.params.id);
    return noContent(reply);
  });
  app.get<{ Params: IdParams }>('/groups/:id/users', async (req) => {
    const users = await identity.groups.listMembers(authOf(req), req.params.id);
    return { users: users.map((u) => userView(links, u)), links: listLinks(links, `groups/${req.params.id}/users`) };
  });
  app.put<{ Params: MemberParams }>('/groups/:id/users/:userId', async (req, reply) => {
    await identity.groups.addMember(authOf(req), req.params.id, req.params.userId);
    return noContent(reply);
  });
  app.head<{ Params: MemberParams }>('/groups/:id/users/:userId', async (req, reply) => {
    const member = await identity.groups.isMember(authOf(req), req.params.id, req.params.userId);
    return reply.status(member ? 204 : 404).send();
  });
  app.get<{ Params: MemberParams }>('/groups/:id/users/:userId', async (req, reply) => {
    const member = await identity.groups.isMember(authOf(req), req.params.id, req.params.userId);
    return member ? noContent(reply) : reply.status(404).send({ error: { code: 404, title: 'Not Found', message: `User ${req.params.userId} is not in group ${req.params.id}.` } });
  });
  app.delete<{ Params: MemberParams }>('/groups/:id/users/:userId', async (req, reply) => {
    await identity.groups.removeMember(authOf(req), req.params.id, req.params.userId);
    return noContent(reply);
  });
}
