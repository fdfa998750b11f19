import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import { ZTags } from '../../../../services/identity/identity.dto';
import type { Identity } from '../../../../services/identity/identity.module';
import { authOf, noContent } from '../../request-auth';
import { parseInput, ZQueryBool } from '../../validate';
import { ZDomainCreateBody, ZDomainUpdateBody, ZProjectCreateBody, ZProjectUpdateBody } from './identity.schemas';
import { domainView, listLinks, projectView, type Links } from './identity.view';

type IdParams = { id: string };
const ZListQuery = z.object({ name: z.string().max(255).optional(), domain_id: z.string().max(64).optional(), enabled: ZQueryBool.optional() }).passthrough();
const ZProjectListQuery = ZListQuery.extend({ parent_id: z.string().max(64).optional() });
type TagParams = { id: string; tag: string };
const ZTagsBody = z.object({ tags: ZTags }).strict();

export function projectRoutes(app: FastifyInstance, identity: Identity, links: Links) {
  app.get('/projects', async (req) => {
    const q = parseInput(ZProjectListQuery, req.query);
    const projects = await identity.projects.list(authOf(req), { name: q.name, domainId: q.domain_id, enabled: q.enabled, parentId: q.parent_id });
    return { projects: projects.map((p) => projectView(links, p)), links: listLinks(links, 'projects') };
  });
  app.get<{ Params: IdParams }>('/projects/:id', async (req) => ({ project: projectView(links, await identity.projects.get(authOf(req), req.params.id)) }));
  app.post('/projects', async (req, reply) => {
    const { project: p } = parseInput(ZProjectCreateBody, req.body);
    const created = await identity.projects.create(authOf(req), {
      name: p.name,
      // under a parent, the project goes in the parent's domain unless one is named
      domainId: p.domain_id ?? (p.parent_id ? undefined : authOf(req).userDomainId),
      parentId: p.parent_id,
      description: p.description ?? '',
      enabled: p.enabled,
      tags: p.tags,
    });
    return reply.status(201).send({ project: projectView(links, created) });
  });
  app.patch<{ Params: IdParams }>('/projects/:id', async (req) => {
    const { project: p } = parseInput(ZProjectUpdateBody, req.body);
    const updated = await identity.projects.update(authOf(req), req.params.id, { name: p.name, description: p.description ?? undefined, enabled: p.enabled, tags: p.tags });
    return { project: projectView(links, updated) };
  });
  app.delete<{ Params: IdParams }>('/projects/:id', async (req, reply) => {
    await identity.projects.delete(authOf(req), req.params.id);
    return noContent(reply);
  });

  // project tags, as Keystone has them (the api-wg tags guideline)
  app.get<{ Params: IdParams }>('/projects/:id/tags', async (req) => ({ tags: await identity.projects.listTags(authOf(req), req.params.id) }));
  app.put<{ Params: IdParams }>('/projects/:id/tags', async (req) => {
    const { tags } = parseInput(ZTagsBody, req.body);
    return { tags: await identity.projects.setTags(authOf(req), req.params.id, tags) };
  });
  app.delete<{ Params: IdParams }>('/projects/:id/tags', async (req, reply) => {
    await identity.projects.setTags(authOf(req), req.params.id, []);
    return noContent(reply);
  });
  const checkTag = async (req: FastifyRequest<{ Params: TagParams }>, reply: FastifyReply) => {
    if (!(await identity.projects.hasTag(authOf(req), req.params.id, req.params.tag))) {
      throw new AppError('NotFound', `Tag ${req.params.tag} not found on project ${req.params.id}.`);
    }
    return noContent(reply);
  };
  app.get<{ Params: TagParams }>('/projects/:id/tags/:tag', checkTag);
  app.head<{ Params: TagParams }>('/projects/:id/tags/:tag', checkTag);
  app.put<{ Params: TagParams }>('/projects/:id/tags/:tag', async (req, reply) => {
    const tag = parseInput(ZTags.element, req.params.tag);
    await identity.projects.addTag(authOf(req), req.params.id, tag);
    // 201 with an empty body and the tag's URL, as Keystone answers
    return reply.status(201).header('Location', `${links.base}/projects/${req.params.id}/tags/${encodeURIComponent(tag)}`).send();
  });
  app.delete<{ Params: TagParams }>('/projects/:id/tags/:tag', async (req, reply) => {
    await identity.projects.removeTag(authOf(req), req.params.id, req.params.tag);
    return noContent(reply);
  });

  app.get<{ Params: IdParams }>('/users/:id/projects', async (req) => {
    const projects = await identity.projects.listForUser(authOf(req), req.params.id);
    return { projects: projects.map((p) => projectView(links, p)), links: listLinks(links, `users/${req.params.id}/projects`) };
  });

  app.get('/domains', async (req) => {
    const q = parseInput(ZListQuery, req.query);
    const domains = await identity.domains.list(authOf(req), { name: q.name, enabled: q.enabled });
    return { domains: domains.map((d) => domainView(links, d)), links: listLinks(links, 'domains') };
  });
  app.get<{ Params: IdParams }>('/domains/:id', async (req) => ({ domain: domainView(links, await identity.domains.get(authOf(req), req.params.id)) }));
  app.post('/domains', async (req, reply) => {
    const { domain: d } = parseInput(ZDomainCreateBody, req.body);
    const created = await identity.domains.create(authOf(req), { name: d.name, description: d.description ?? '', enabled: d.enabled });
    return reply.status(201).send({ domain: domainView(links, created) });
  });
  app.patch<{ Params: IdParams }>('/domains/:id', async (req) => {
    const { domain: d } = parseInput(ZDomainUpdateBody, req.body);
    const updated = await identity.domains.update(authOf(req), req.params.id, { name: d.name, description: d.description ?? undefined, enabled: d.enabled });
    return { domain: domainView(links, updated) };
  });
  app.delete<{ Params: IdParams }>('/domains/:id', async (req, reply) => {
    await identity.domains.delete(authOf(req), req.params.id);
    return noContent(reply);
  });
}
