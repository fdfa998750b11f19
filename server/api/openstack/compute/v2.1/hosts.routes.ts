import type { FastifyInstance } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';

/** os-services, os-hypervisors, os-availability-zone (being written). */
export function hostRoutes(_app: FastifyInstance, _compute: Compute) {}
