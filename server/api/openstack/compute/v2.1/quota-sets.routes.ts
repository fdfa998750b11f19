import type { FastifyInstance } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';
import { authOf } from '../../request-auth';
import { atLeast } from '../microversion';
import { quotaClassName, quotaClassUpdateInput, quotaQueryInput, quotaSetUpdateInput } from './quotas.schemas';
import { quotaClassView, quotaDetailView, quotaSetView } from './quotas.view';

type IdParams = { id: string };

/**
 * os-quota-sets (a project's limits, admins change them) and os-quota-class-sets (only the "default" class: the
 * defaults every project without its own limit gets). The project id is not checked against Keystone.
 */
export function quotaSetRoutes(app: FastifyInstance, compute: Compute) {
  const quotas = compute.computeQuotas;

  app.get<{ Params: IdParams }>('/os-quota-sets/:id', async (req) => {
    quotaQueryInput(req.query, atLeast(req, '2.75'), { change: false });
    return quotaSetView(req, await quotas.quotaSet(authOf(req), req.params.id), req.params.id);
  });
  app.get<{ Params: IdParams }>('/os-quota-sets/:id/detail', async (req) => {
    quotaQueryInput(req.query, atLeast(req, '2.75'), { change: false });
    return quotaDetailView(req, await quotas.quotaDetail(authOf(req), req.params.id), req.params.id);
  });
  app.get<{ Params: IdParams }>('/os-quota-sets/:id/defaults', async (req) =>
    quotaSetView(req, await quotas.defaults(authOf(req)), req.params.id),
  );
  app.put<{ Params: IdParams }>('/os-quota-sets/:id', async (req) => {
    quotaQueryInput(req.query, atLeast(req, '2.75'), { change: true });
    const { limits, force } = quotaSetUpdateInput(req.body, { v236: atLeast(req, '2.36'), v257: atLeast(req, '2.57') });
    return quotaSetView(req, await quotas.update(authOf(req), req.params.id, limits, { force }));
  });
  app.delete<{ Params: IdParams }>('/os-quota-sets/:id', async (req, reply) => {
    quotaQueryInput(req.query, atLeast(req, '2.75'), { change: true });
    await quotas.reset(authOf(req), req.params.id);
    return reply.status(202).send();
  });

  app.get<{ Params: IdParams }>('/os-quota-class-sets/:id', async (req) => {
    quotaClassName(req.params.id, false);
    return quotaClassView(req, await quotas.classDefaults(authOf(req)), req.params.id);
  });
  app.put<{ Params: IdParams }>('/os-quota-class-sets/:id', async (req) => {
    const limits = quotaClassUpdateInput(req.body, { v250: atLeast(req, '2.50'), v257: atLeast(req, '2.57') });
    quotaClassName(req.params.id, true);
    return quotaClassView(req, await quotas.setClassDefaults(authOf(req), limits));
  });
}
