import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../../lib/errors';
import type { Compute } from '../../../../services/compute/compute.module';
import { normalizeUuid } from '../../../../services/compute/hosts.service';
import { authOf, noContent } from '../../request-auth';
import { atLeast } from '../microversion';
import { legacyServiceInput, serviceUpdateInput, servicesQueryInput } from './hosts.schemas';
import { serviceView } from './hosts.view';

type IdParams = { id: string };

/** From 2.53 a service or hypervisor is named by its UUID: anything else is a 400, as Nova checks it. */
export function requireUuidFrom253(req: FastifyRequest, id: string) {
  if (atLeast(req, '2.53') && !normalizeUuid(id)) throw new AppError('BadRequest', `Invalid uuid ${id}`);
}

/**
 * os-services: the nova-compute service of every compute host (Cumulo has no separate scheduler or conductor
 * services to list). Before 2.53 PUT takes the action in the path and names the service by host and binary.
 */
export function serviceRoutes(app: FastifyInstance, compute: Compute) {
  const hosts = compute.hosts;

  app.get('/os-services', async (req) => {
    const filter = servicesQueryInput(req.query, atLeast(req, '2.75'));
    return { services: (await hosts.listServices(authOf(req), filter)).map((s) => serviceView(req, s)) };
  });

  app.put<{ Params: IdParams }>('/os-services/:id', async (req) => {
    const ctx = authOf(req);
    if (atLeast(req, '2.53')) {
      requireUuidFrom253(req, req.params.id);
      const updated = await hosts.updateService(ctx, req.params.id, serviceUpdateInput(req.body));
      return { service: { ...serviceView(req, updated), forced_down: updated.forcedDown } };
    }
    const legacy = legacyServiceInput(req.params.id, req.body, atLeast(req, '2.11'));
    const s = await hosts.updateServiceByHost(ctx, legacy.host, legacy.binary, legacy.change);
    const named = { host: s.host, binary: legacy.binary };
    if (legacy.action === 'force-down') return { service: { ...named, forced_down: s.forcedDown } };
    const status = s.enabled ? 'enabled' : 'disabled';
    return {
      service: {
        ...named,
        status,
        ...(legacy.action === 'disable-log-reason' && { disabled_reason: s.disabledReason }),
      },
    };
  });

  app.delete<{ Params: IdParams }>('/os-services/:id', async (req, reply) => {
    requireUuidFrom253(req, req.params.id);
    await hosts.deleteService(authOf(req), req.params.id);
    return noContent(reply);
  });
}
