import type { FastifyInstance } from 'fastify';
import type { Images } from '../../../../services/image/image.module';

export function infoRoutes(app: FastifyInstance, images: Images) {
  // Glance's multi-store discovery: clients pick a store id from here for X-Image-Meta-Store; only the default says so
  app.get('/info/stores', async () => ({
    stores: images.stores().map((s) => ({ id: s.id, ...(s.default && { default: true }) })),
  }));
}
