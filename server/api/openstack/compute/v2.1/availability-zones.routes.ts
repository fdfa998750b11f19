import type { FastifyInstance } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';
import { authOf } from '../../request-auth';
import { availabilityZonesView } from './hosts.view';

/**
 * os-availability-zone: the zones compute hosts report. Only nova-compute services are shown in the detail (Nova
 * also lists its scheduler and conductor in the "internal" zone; Cumulo has no such services).
 */
export function availabilityZoneRoutes(app: FastifyInstance, compute: Compute) {
  app.get('/os-availability-zone', async (req) =>
    availabilityZonesView(await compute.hosts.availabilityZones(authOf(req), { detail: false })),
  );
  app.get('/os-availability-zone/detail', async (req) =>
    availabilityZonesView(await compute.hosts.availabilityZones(authOf(req), { detail: true })),
  );
}
