import type { FastifyInstance } from 'fastify';
import type { Images } from '../../../../services/image/image.module';
import { authOf, noContent } from '../../request-auth';
import { createInput, listInput, updateInput } from './images.schemas';
import { imageView } from './images.view';

type IdParams = { id: string };
type TagParams = { id: string; tag: string };

export function imageRoutes(app: FastifyInstance, images: Images) {
  app.get('/images', async (req) => {
    const page = listInput(req.query);
    const found = await images.images.list(authOf(req), page);
    // Glance gives a `next` link only on a full page; openstacksdk follows it until a page comes back short
    const last = found.at(-1);
    const next = last && found.length === page.limit ? nextLink(req.url, last.id) : undefined;
    return { images: found.map(imageView), first: '/v2/images', schema: '/v2/schemas/images', ...(next && { next }) };
  });
  app.get<{ Params: IdParams }>('/images/:id', async (req) =>
    imageView(await images.images.get(authOf(req), req.params.id)),
  );
  app.post('/images', async (req, reply) => {
    const created = await images.images.create(authOf(req), createInput(req.body));
    return reply.status(201).header('Location', `/v2/images/${created.id}`).send(imageView(created));
  });
  // the patch is applied to the image as it is under the service's row lock, so concurrent PATCHes all land
  app.patch<{ Params: IdParams }>('/images/:id', async (req) =>
    imageView(await images.images.update(authOf(req), req.params.id, (current) => updateInput(current, req.body))),
  );
  app.delete<{ Params: IdParams }>('/images/:id', async (req, reply) => {
    await images.images.delete(authOf(req), req.params.id);
    return noContent(reply);
  });
  app.put<{ Params: TagParams }>('/images/:id/tags/:tag', async (req, reply) => {
    await images.images.addTag(authOf(req), req.params.id, req.params.tag);
    return noContent(reply);
  });
  app.delete<{ Params: TagParams }>('/images/:id/tags/:tag', async (req, reply) => {
    await images.images.removeTag(authOf(req), req.params.id, req.params.tag);
    return noContent(reply);
  });
  app.post<{ Params: IdParams }>('/images/:id/actions/deactivate', async (req, reply) => {
    await images.images.deactivate(authOf(req), req.params.id);
    return noContent(reply);
  });
  app.post<{ Params: IdParams }>('/images/:id/actions/reactivate', async (req, reply) => {
    await images.images.reactivate(authOf(req), req.params.id);
    return noContent(reply);
  });
}

/** The same query with the marker moved on: `/v2/images?limit=2&marker=<last id>`. */
function nextLink(url: string, marker: string) {
  const u = new URL(url, 'http://x');
  u.searchParams.set('marker', marker);
  return `/v2/images?${u.searchParams.toString()}`;
}
