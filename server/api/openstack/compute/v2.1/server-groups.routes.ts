import type { FastifyInstance } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';
import { authOf, noContent } from '../../request-auth';
import { atLeast } from '../microversion';
import { createServerGroupInput, serverGroupListInput } from './server-groups.schemas';
import { serverGroupView } from './server-groups.view';

type IdParams = { id: string };

/** /os-server-groups: list, create, show, delete (Nova has no update). */
export function serverGroupRoutes(app: FastifyInstance, compute: Compute) {
  const groups = compute.serverGroups;

  app.get('/os-server-groups', async (req) => {
    const q = serverGroupListInput(req.query, atLeast(req, '2.75'));
    return { server_groups: (await groups.list(authOf(req), q)).map((g) => serverGroupView(req, g)) };
  });
  app.post('/os-server-groups', async (req) => {
    const input = createServerGroupInput(req.body, { soft: atLeast(req, '2.15'), policyObject: atLeast(req, '2.64') });
    return { server_group: serverGroupView(req, await groups.create(authOf(req), input)) };
  });
  app.get<{ Params: IdParams }>('/os-server-groups/:id', async (req) => ({
    server_group: serverGroupView(req, await groups.get(authOf(req), req.params.id)),
  }));
  app.delete<{ Params: IdParams }>('/os-server-groups/:id', async (req, reply) => {
    await groups.delete(authOf(req), req.params.id);
    return noContent(reply);
  });
}
