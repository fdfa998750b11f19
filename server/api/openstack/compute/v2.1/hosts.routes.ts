import type { FastifyInstance } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';
import { authOf } from '../../request-auth';
import { availabilityZoneRoutes } from './availability-zones.routes';
import { hypervisorRoutes } from './hypervisors.routes';
import { serviceRoutes } from './services.routes';

/** os-services, os-hypervisors, os-availability-zone: the cloud's compute hosts. */
export function hostRoutes(app: FastifyInstance, compute: Compute) {
  serviceRoutes(app, compute);
  hypervisorRoutes(app, compute);
  availabilityZoneRoutes(app, compute);
  // Host aggregates do not exist yet, but `openstack hypervisor show` lists them to name the host's: an empty list
  // keeps it working. Replace with the real os-aggregates routes when aggregates arrive.
  app.get('/os-aggregates', async (req) => ({ aggregates: await compute.hosts.listAggregates(authOf(req)) }));
}
