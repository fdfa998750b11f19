import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Identity } from '../../../../services/identity/identity.module';
import { authOf } from '../../request-auth';
import { parseInput } from '../../validate';
import { endpointView, listLinks, type Links } from './identity.view';

const ZEndpointQuery = z.object({ service_id: z.string().max(64).optional(), interface: z.string().max(16).optional(), region_id: z.string().max(64).optional() }).passthrough();

export function catalogRoutes(app: FastifyInstance, identity: Identity, links: Links) {
  app.get('/services', async (req) => {
    const q = parseInput(z.object({ type: z.string().max(255).optional() }).passthrough(), req.query);
    const services = await identity.catalog.listServices(authOf(req), { type: q.type });
    return {
      services: services.map((s) => ({ id: s.id, type: s.type, name: s.name, description: s.description, enabled: s.enabled, links: { self: `${links.base}/services/${s.id}` } })),
      links: listLinks(links, 'services'),
    };
  });
  app.get('/endpoints', async (req) => {
    const q = parseInput(ZEndpointQuery, req.query);
    const endpoints = await identity.catalog.listEndpoints(authOf(req), { serviceId: q.service_id, interface: q.interface, regionId: q.region_id });
    return { endpoints: endpoints.map((e) => endpointView(links, e)), links: listLinks(links, 'endpoints') };
  });
  app.get('/regions', async (req) => {
    const regions = await identity.catalog.listRegions(authOf(req));
    return {
      regions: regions.map((r) => ({ id: r.id, description: r.description, parent_region_id: r.parentRegionId, links: { self: `${links.base}/regions/${r.id}` } })),
      links: listLinks(links, 'regions'),
    };
  });
}
