import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import type { Compute } from '../../../../services/compute/compute.module';
import { authOf, noContent } from '../../request-auth';
import { parseInput } from '../../validate';

/** Nova's parameter_types.metadata: keys of these characters, string values, both at most 255 long. */
const ZMetadataBody = z.record(
  z.string().regex(/^[a-zA-Z0-9\-_:. /]{1,255}$/, 'metadata keys must be 1-255 of letters, digits, spaces and -_:./'),
  z.string().max(255, 'metadata values must be at most 255 characters'),
);
const metadataInput = (body: unknown) => parseInput(z.object({ metadata: ZMetadataBody }).strict(), body).metadata;

/** PUT /metadata/{key}: {"meta": {key: value}}, exactly that one key (nova/api/openstack/compute/server_metadata.py). */
function metaItemInput(body: unknown, key: string): string {
  const meta = parseInput(z.object({ meta: ZMetadataBody }).strict(), body).meta;
  const keys = Object.keys(meta);
  if (keys.length === 0) throw new AppError('BadRequest', "Invalid input for field 'meta': must hold one item");
  if (keys.length > 1) throw new AppError('BadRequest', 'Request body contains too many items');
  if (!Object.hasOwn(meta, key)) throw new AppError('BadRequest', 'Request body and URI mismatch');
  return meta[key]!;
}

type IdParams = { id: string };
type KeyParams = IdParams & { key: string };

/** /servers/{id}/metadata (server-metadata): POST merges, PUT replaces all, per-key GET/PUT/DELETE. */
export function serverMetadataRoutes(app: FastifyInstance, compute: Compute) {
  const metadata = compute.serverMetadata;

  app.get<{ Params: IdParams }>('/servers/:id/metadata', async (req) => ({
    metadata: await metadata.list(authOf(req), req.params.id),
  }));
  // Nova answers 200 here, not 201 (kept for compatibility)
  app.post<{ Params: IdParams }>('/servers/:id/metadata', async (req) => ({
    metadata: await metadata.merge(authOf(req), req.params.id, metadataInput(req.body)),
  }));
  app.put<{ Params: IdParams }>('/servers/:id/metadata', async (req) => ({
    metadata: await metadata.replace(authOf(req), req.params.id, metadataInput(req.body)),
  }));
  app.get<{ Params: KeyParams }>('/servers/:id/metadata/:key', async (req) => ({
    meta: { [req.params.key]: await metadata.get(authOf(req), req.params.id, req.params.key) },
  }));
  app.put<{ Params: KeyParams }>('/servers/:id/metadata/:key', async (req) => {
    const value = metaItemInput(req.body, req.params.key);
    await metadata.set(authOf(req), req.params.id, req.params.key, value);
    return { meta: { [req.params.key]: value } };
  });
  app.delete<{ Params: KeyParams }>('/servers/:id/metadata/:key', async (req, reply) => {
    await metadata.delete(authOf(req), req.params.id, req.params.key);
    return noContent(reply);
  });
}
