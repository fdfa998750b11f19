import type { FastifyInstance } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';
import { authOf } from '../../request-auth';
import { atLeast } from '../microversion';
import { limitsQueryInput } from './quotas.schemas';
import { limitsView } from './quotas.view';

/** GET /limits: the caller's project (or, for admins, `?tenant_id=`). */
export function limitRoutes(app: FastifyInstance, compute: Compute) {
  app.get('/limits', async (req) => {
    const { tenantId } = limitsQueryInput(req.query, atLeast(req, '2.75'));
    return limitsView(req, await compute.computeQuotas.limits(authOf(req), tenantId));
  });
}
