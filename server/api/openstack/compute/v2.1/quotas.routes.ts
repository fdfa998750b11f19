import type { FastifyInstance } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';
import { limitRoutes } from './limits.routes';
import { quotaSetRoutes } from './quota-sets.routes';

/** /limits, os-quota-sets and os-quota-class-sets: compute's view of the shared quota engine. */
export function quotaRoutes(app: FastifyInstance, compute: Compute) {
  limitRoutes(app, compute);
  quotaSetRoutes(app, compute);
}
