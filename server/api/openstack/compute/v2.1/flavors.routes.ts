import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';
import type { TFlavor } from '../../../../services/compute/flavor.dto';
import { authOf } from '../../request-auth';
import { atLeast } from '../microversion';
import {
  createFlavorInput,
  extraSpecInput,
  extraSpecsInput,
  flavorActionInput,
  flavorListInput,
  updateFlavorInput,
} from './flavors.schemas';
import { accessView, apiRoot, flavorBrief, flavorView } from './flavors.view';

type IdParams = { id: string };
type KeyParams = { id: string; key: string };

const accepted = (reply: FastifyReply) => reply.status(202).send();
const notFound = () => Object.assign(new Error('The resource could not be found.'), { statusCode: 404 });

export function flavorRoutes(app: FastifyInstance, compute: Compute) {
  const flavors = compute.flavors;

  async function list(req: FastifyRequest, detail: boolean) {
    const query = flavorListInput(req.query, atLeast(req, '2.75'));
    const found = await flavors.list(authOf(req), query);
    const view = detail ? flavorView : flavorBrief;
    const last = found.at(-1);
    // Nova links the next page whenever a page came back full
    const next = last && found.length === query.limit ? nextLink(req, last.id) : undefined;
    return {
      flavors: found.map((f) => view(req, f)),
      ...(next && { flavors_links: [{ rel: 'next', href: next }] }),
    };
  }
  const show = (req: FastifyRequest, f: TFlavor) => ({ flavor: flavorView(req, f) });

  app.get('/flavors', (req) => list(req, false));
  app.get('/flavors/detail', (req) => list(req, true));
  app.get<{ Params: IdParams }>('/flavors/:id', async (req) =>
    show(req, await flavors.get(authOf(req), req.params.id)),
  );
  app.post('/flavors', async (req) =>
    show(req, await flavors.create(authOf(req), createFlavorInput(req.body, atLeast(req, '2.55')))),
  );
  app.put<{ Params: IdParams }>('/flavors/:id', async (req) => {
    if (!atLeast(req, '2.55')) throw notFound();
    return show(req, await flavors.updateDescription(authOf(req), req.params.id, updateFlavorInput(req.body)));
  });
  app.delete<{ Params: IdParams }>('/flavors/:id', async (req, reply) => {
    await flavors.delete(authOf(req), req.params.id);
    return accepted(reply);
  });

  app.get<{ Params: IdParams }>('/flavors/:id/os-extra_specs', async (req) => ({
    extra_specs: await flavors.extraSpecs(authOf(req), req.params.id),
  }));
  app.post<{ Params: IdParams }>('/flavors/:id/os-extra_specs', async (req) => ({
    extra_specs: await flavors.setExtraSpecs(authOf(req), req.params.id, extraSpecsInput(req.body)),
  }));
  app.get<{ Params: KeyParams }>('/flavors/:id/os-extra_specs/:key', async (req) => ({
    [req.params.key]: await flavors.extraSpec(authOf(req), req.params.id, req.params.key),
  }));
  app.put<{ Params: KeyParams }>('/flavors/:id/os-extra_specs/:key', async (req) => {
    const value = extraSpecInput(req.body, req.params.key);
    return flavors.setExtraSpecs(authOf(req), req.params.id, { [req.params.key]: value }, 'update');
  });
  app.delete<{ Params: KeyParams }>('/flavors/:id/os-extra_specs/:key', async (req, reply) => {
    await flavors.deleteExtraSpec(authOf(req), req.params.id, req.params.key);
    // unlike a flavor's, an extra spec's deletion answers 200
    return reply.status(200).send();
  });

  app.get<{ Params: IdParams }>('/flavors/:id/os-flavor-access', async (req) =>
    accessView(await flavors.access(authOf(req), req.params.id)),
  );
  app.post<{ Params: IdParams }>('/flavors/:id/action', async (req) => {
    const { action, projectId } = flavorActionInput(req.body);
    const ctx = authOf(req);
    const access =
      action === 'add'
        ? await flavors.addAccess(ctx, req.params.id, projectId, atLeast(req, '2.7'))
        : await flavors.removeAccess(ctx, req.params.id, projectId);
    return accessView(access);
  });
}

/** The same query with the marker moved on, on the path that was asked (`/flavors` or `/flavors/detail`). */
function nextLink(req: FastifyRequest, marker: string) {
  const u = new URL(req.url, 'http://x');
  u.searchParams.set('marker', marker);
  // Nova writes the next link's parameters sorted
  u.searchParams.sort();
  return `${apiRoot(req)}${u.pathname.replace(/^\/compute/, '')}?${u.searchParams.toString()}`;
}
