import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import type { Identity } from '../../../../services/identity/identity.module';
import { authOf, noContent } from '../../request-auth';
import { parseInput } from '../../validate';
import { ZEndpointCreateBody, ZEndpointUpdateBody, ZRegionCreateBody, ZRegionUpdateBody, ZServiceCreateBody, ZServiceUpdateBody } from './identity.schemas';
import { endpointView, listLinks, regionView, serviceView, type Links } from './identity.view';

type IdParams = { id: string };
const ZEndpointQuery = z.object({ service_id: z.string().max(64).optional(), interface: z.string().max(16).optional(), region_id: z.string().max(255).optional() }).passthrough();
const ZServiceQuery = z.object({ type: z.string().max(255).optional(), name: z.string().max(255).optional() }).passthrough();
const ZRegionQuery = z.object({ parent_region_id: z.string().max(255).optional() }).passthrough();

/** The service catalog's services, endpoints and regions: read by anyone signed in, changed by admins. */
export function catalogRoutes(app: FastifyInstance, identity: Identity, links: Links) {
  const catalog = identity.catalog;

  app.get('/services', async (req) => {
    const q = parseInput(ZServiceQuery, req.query);
    const services = await catalog.listServices(authOf(req), { type: q.type, name: q.name });
    return { services: services.map((s) => serviceView(links, s)), links: listLinks(links, 'services') };
  });
  app.get<{ Params: IdParams }>('/services/:id', async (req) => ({ service: serviceView(links, await catalog.getService(authOf(req), req.params.id)) }));
  app.post('/services', async (req, reply) => {
    const { service: s } = parseInput(ZServiceCreateBody, req.body);
    const created = await catalog.createService(authOf(req), { type: s.type, name: s.name ?? '', description: s.description ?? '', enabled: s.enabled ?? true });
    return reply.status(201).send({ service: serviceView(links, created) });
  });
  app.patch<{ Params: IdParams }>('/services/:id', async (req) => {
    const { service: s } = parseInput(ZServiceUpdateBody, req.body);
    const updated = await catalog.updateService(authOf(req), req.params.id, {
      type: s.type,
      name: s.name === undefined ? undefined : (s.name ?? ''),
      description: s.description === undefined ? undefined : (s.description ?? ''),
      enabled: s.enabled,
    });
    return { service: serviceView(links, updated) };
  });
  app.delete<{ Params: IdParams }>('/services/:id', async (req, reply) => {
    await catalog.deleteService(authOf(req), req.params.id);
    return noContent(reply);
  });

  app.get('/endpoints', async (req) => {
    const q = parseInput(ZEndpointQuery, req.query);
    const endpoints = await catalog.listEndpoints(authOf(req), { serviceId: q.service_id, interface: q.interface, regionId: q.region_id });
    return { endpoints: endpoints.map((e) => endpointView(links, e)), links: listLinks(links, 'endpoints') };
  });
  app.get<{ Params: IdParams }>('/endpoints/:id', async (req) => ({ endpoint: endpointView(links, await catalog.getEndpoint(authOf(req), req.params.id)) }));
  app.post('/endpoints', async (req, reply) => {
    const { endpoint: e } = parseInput(ZEndpointCreateBody, req.body);
    const created = await catalog.createEndpoint(authOf(req), {
      serviceId: e.service_id,
      interface: e.interface,
      url: e.url,
      regionId: e.region_id,
      region: e.region ?? undefined,
      enabled: e.enabled,
    });
    return reply.status(201).send({ endpoint: endpointView(links, created) });
  });
  app.patch<{ Params: IdParams }>('/endpoints/:id', async (req) => {
    const { endpoint: e } = parseInput(ZEndpointUpdateBody, req.body);
    const updated = await catalog.updateEndpoint(authOf(req), req.params.id, {
      serviceId: e.service_id,
      interface: e.interface,
      url: e.url,
      regionId: e.region_id,
      region: e.region ?? undefined,
      enabled: e.enabled,
    });
    return { endpoint: endpointView(links, updated) };
  });
  app.delete<{ Params: IdParams }>('/endpoints/:id', async (req, reply) => {
    await catalog.deleteEndpoint(authOf(req), req.params.id);
    return noContent(reply);
  });

  app.get('/regions', async (req) => {
    const q = parseInput(ZRegionQuery, req.query);
    const regions = await catalog.listRegions(authOf(req), { parentRegionId: q.parent_region_id });
    return { regions: regions.map((r) => regionView(links, r)), links: listLinks(links, 'regions') };
  });
  app.get<{ Params: IdParams }>('/regions/:id', async (req) => ({ region: regionView(links, await catalog.getRegion(authOf(req), req.params.id)) }));
  app.post('/regions', async (req, reply) => {
    const { region: r } = parseInput(ZRegionCreateBody, req.body);
    const created = await catalog.createRegion(authOf(req), { id: r.id, description: r.description ?? undefined, parentRegionId: r.parent_region_id });
    return reply.status(201).send({ region: regionView(links, created) });
  });
  // a region with the id the client picked (Keystone: PUT /v3/regions/{id}, 201)
  app.put<{ Params: IdParams }>('/regions/:id', async (req, reply) => {
    const { region: r } = parseInput(ZRegionCreateBody, req.body);
    if (r.id !== undefined && r.id !== req.params.id) throw new AppError('BadRequest', `Invalid input for field 'region.id': it must be ${req.params.id}, the id in the URL.`);
    const created = await catalog.createRegion(authOf(req), { id: req.params.id, description: r.description ?? undefined, parentRegionId: r.parent_region_id });
    return reply.status(201).send({ region: regionView(links, created) });
  });
  app.patch<{ Params: IdParams }>('/regions/:id', async (req) => {
    const { region: r } = parseInput(ZRegionUpdateBody, req.body);
    const updated = await catalog.updateRegion(authOf(req), req.params.id, {
      description: r.description === undefined ? undefined : (r.description ?? ''),
      parentRegionId: r.parent_region_id,
    });
    return { region: regionView(links, updated) };
  });
  app.delete<{ Params: IdParams }>('/regions/:id', async (req, reply) => {
    await catalog.deleteRegion(authOf(req), req.params.id);
    return noContent(reply);
  });
}
