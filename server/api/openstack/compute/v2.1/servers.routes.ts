import type { FastifyInstance } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';

/** /servers and its actions (filled in by the servers work). */
export function serverRoutes(_app: FastifyInstance, _compute: Compute) {}
