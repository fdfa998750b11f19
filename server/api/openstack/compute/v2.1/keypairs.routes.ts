import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';
import { authOf } from '../../request-auth';
import { atLeast } from '../microversion';
import { apiRoot } from './flavors.view';
import { createKeyPairInput, keyPairListInput, keyPairUserInput } from './keypairs.schemas';
import { keyPairBrief, keyPairCreated, keyPairView } from './keypairs.view';

type NameParams = { name: string };

export function keypairRoutes(app: FastifyInstance, compute: Compute) {
  const keypairs = compute.keypairs;

  app.get('/os-keypairs', async (req) => {
    const paging = atLeast(req, '2.35');
    const query = keyPairListInput(req.query, { userId: atLeast(req, '2.10'), paging, strict: atLeast(req, '2.75') });
    const found = await keypairs.list(authOf(req), query);
    const last = found.at(-1);
    const next = paging && last && found.length === query.limit ? nextLink(req, last.name) : undefined;
    return {
      keypairs: found.map((k) => keyPairBrief(req, k)),
      ...(next && { keypairs_links: [{ rel: 'next', href: next }] }),
    };
  });
  app.post('/os-keypairs', async (req, reply) => {
    const input = createKeyPairInput(req.body, { type: atLeast(req, '2.2'), userId: atLeast(req, '2.10') });
    const { keypair, privateKey } = await keypairs.create(authOf(req), input);
    // 2.2 made creation a 201 and deletion a 204
    return reply.status(atLeast(req, '2.2') ? 201 : 200).send(keyPairCreated(req, keypair, privateKey));
  });
  app.get<{ Params: NameParams }>('/os-keypairs/:name', async (req) => {
    const userId = keyPairUserInput(req.query, atLeast(req, '2.10'), atLeast(req, '2.75'));
    return keyPairView(req, await keypairs.get(authOf(req), req.params.name, userId));
  });
  app.delete<{ Params: NameParams }>('/os-keypairs/:name', async (req, reply) => {
    const userId = keyPairUserInput(req.query, atLeast(req, '2.10'), atLeast(req, '2.75'));
    await keypairs.delete(authOf(req), req.params.name, userId);
    return reply.status(atLeast(req, '2.2') ? 204 : 202).send();
  });
}

function nextLink(req: FastifyRequest, marker: string) {
  const u = new URL(req.url, 'http://x');
  u.searchParams.set('marker', marker);
  u.searchParams.sort();
  return `${apiRoot(req)}/v2.1/os-keypairs?${u.searchParams.toString()}`;
}
