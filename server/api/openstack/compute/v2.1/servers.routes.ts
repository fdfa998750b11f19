import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';
import { authOf, noContent } from '../../request-auth';
import { atLeast } from '../microversion';
import { actionInput, createServerInput, listServersInput, updateServerInput } from './servers.schemas';
import { actionView, serverBrief, serverView } from './servers.view';
import { apiRoot } from './flavors.view';

type IdParams = { id: string };

/** /servers, its actions, console output and action log (os-instance-actions). */
export function serverRoutes(app: FastifyInstance, compute: Compute) {
  const servers = compute.servers;

  async function list(req: FastifyRequest, detail: boolean) {
    const q = listServersInput(req.query);
    const found = await servers.list(authOf(req), q);
    const last = found.at(-1);
    const next = last && found.length === q.limit ? nextLink(req, last.id) : undefined;
    return {
      servers: found.map((s) => (detail ? serverView(req, s) : serverBrief(req, s))),
      ...(next && { servers_links: [{ rel: 'next', href: next }] }),
    };
  }
  app.get('/servers', (req) => list(req, false));
  app.get('/servers/detail', (req) => list(req, true));

  app.post('/servers', async (req, reply) => {
    const { input, returnReservationId } = createServerInput(req.body);
    const created = await servers.create(authOf(req), input);
    if (returnReservationId) return reply.status(202).send({ reservation_id: created.reservationId });
    const first = created.servers[0]!;
    return reply
      .status(202)
      .header('Location', `${apiRoot(req)}/v2.1/servers/${first.id}`)
      .send({
        server: {
          id: first.id,
          links: serverBrief(req, { ...first, fault: null }).links,
          'OS-DCF:diskConfig': 'MANUAL',
          security_groups: [{ name: 'default' }],
          adminPass: created.adminPass,
        },
      });
  });

  app.get<{ Params: IdParams }>('/servers/:id', async (req) => ({ server: serverView(req, await servers.get(authOf(req), req.params.id)) }));
  app.put<{ Params: IdParams }>('/servers/:id', async (req) => ({
    server: serverView(req, await servers.update(authOf(req), req.params.id, updateServerInput(req.body))),
  }));
  app.delete<{ Params: IdParams }>('/servers/:id', async (req, reply) => {
    await servers.delete(authOf(req), req.params.id);
    return noContent(reply);
  });

  app.post<{ Params: IdParams }>('/servers/:id/action', async (req, reply: FastifyReply) => {
    const a = actionInput(req.body, { lockReason: atLeast(req, '2.73') });
    const ctx = authOf(req);
    if (a.kind === 'console') return { output: await servers.consoleOutput(ctx, req.params.id, a.length) };
    if (a.kind === 'lock') {
      await compute.serverLocks.set(ctx, req.params.id, a.locked);
      return reply.status(202).send();
    }
    const moved = await servers.action(ctx, req.params.id, a.action, {
      ...(a.imageId && { imageId: a.imageId }),
      ...(a.flavorId && { flavorId: a.flavorId }),
    });
    if (a.action === 'rebuild') return reply.status(202).send({ server: serverView(req, { ...moved, fault: null }) });
    return reply.status(202).send();
  });

  app.get<{ Params: IdParams }>('/servers/:id/os-instance-actions', async (req) => ({
    instanceActions: (await servers.actions(authOf(req), req.params.id)).map((a) => actionView(req, a, false)),
  }));
  app.get<{ Params: IdParams & { requestId: string } }>('/servers/:id/os-instance-actions/:requestId', async (req) => ({
    instanceAction: actionView(req, await servers.actionDetail(authOf(req), req.params.id, req.params.requestId), true),
  }));
}

function nextLink(req: FastifyRequest, marker: string) {
  const u = new URL(req.url, 'http://x');
  u.searchParams.set('marker', marker);
  return `${apiRoot(req)}/v2.1${u.pathname.replace(/^.*\/v2\.1/, '')}?${u.searchParams.toString()}`;
}
