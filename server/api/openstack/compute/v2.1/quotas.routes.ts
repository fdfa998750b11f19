import type { FastifyInstance } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';

/** limits, os-quota-sets (being written). */
export function quotaRoutes(_app: FastifyInstance, _compute: Compute) {}
