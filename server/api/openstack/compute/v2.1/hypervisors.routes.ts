import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../../lib/errors';
import type { Compute } from '../../../../services/compute/compute.module';
import type { THypervisor } from '../../../../services/compute/host.dto';
import { authOf } from '../../request-auth';
import { atLeast } from '../microversion';
import { novaFault } from '../nova-faults';
import { hypervisorShowInput, hypervisorsQueryInput } from './hosts.schemas';
import { hypervisorView, statisticsView } from './hosts.view';
import { requireUuidFrom253 } from './services.routes';

type IdParams = { id: string };

/** A route a microversion no longer (or not yet) has: Nova's router does not know it. */
const gone = () => new AppError('NotFound', 'The resource could not be found.');

/**
 * os-hypervisors: one hypervisor per compute host (hostname = host). Used values are the scheduler's claims.
 * Before 2.53 a name pattern had its own routes (/{pattern}/search, /{pattern}/servers); from 2.88 uptime and
 * statistics are gone and the detail drops the capacity fields.
 */
export function hypervisorRoutes(app: FastifyInstance, compute: Compute) {
  const hypervisors = compute.hypervisors;

  async function list(req: FastifyRequest, detail: boolean) {
    const query = hypervisorsQueryInput(req.query, { v233: atLeast(req, '2.33'), v253: atLeast(req, '2.53') });
    const page = await hypervisors.list(authOf(req), { ...query, detail });
    const views = page.hypervisors.map((h) => hypervisorView(req, h, { detail, withServers: query.withServers }));
    const last = page.hypervisors.at(-1);
    // Nova links the next page when a page came back full (only where it pages at all: 2.33+, no pattern)
    const next =
      atLeast(req, '2.33') && page.limit && last && page.hypervisors.length === page.limit
        ? nextLink(req, last)
        : undefined;
    return { hypervisors: views, ...(next && { hypervisors_links: [{ rel: 'next', href: next }] }) };
  }

  app.get('/os-hypervisors', (req) => list(req, false));
  app.get('/os-hypervisors/detail', (req) => list(req, true));

  app.get('/os-hypervisors/statistics', async (req) => {
    if (atLeast(req, '2.88')) throw gone();
    return statisticsView(await hypervisors.statistics(authOf(req)));
  });

  app.get<{ Params: IdParams }>('/os-hypervisors/:id', async (req) => {
    const { withServers } = hypervisorShowInput(req.query, atLeast(req, '2.53'));
    requireUuidFrom253(req, req.params.id);
    const h = await hypervisors.get(authOf(req), req.params.id, { withServers });
    return { hypervisor: hypervisorView(req, h, { detail: true, withServers }) };
  });

  app.get<{ Params: IdParams }>('/os-hypervisors/:id/uptime', async (req, reply) => {
    if (atLeast(req, '2.88')) throw gone();
    requireUuidFrom253(req, req.params.id);
    const { hypervisor, uptime } = await hypervisors.uptime(authOf(req), req.params.id);
    // agents do not report uptime yet: Nova's answer for a virt driver without it
    if (uptime === null) return novaFault(reply, 501, 'The requested functionality is not supported.');
    return { hypervisor: { ...hypervisorView(req, hypervisor, { detail: false }), uptime } };
  });

  // before 2.53: GET /os-hypervisors/{pattern}/search and /{pattern}/servers
  const byPattern = (withServers: boolean) => async (req: FastifyRequest<{ Params: IdParams }>) => {
    if (atLeast(req, '2.53')) throw gone();
    const page = await hypervisors.list(authOf(req), { detail: false, pattern: req.params.id, withServers });
    return { hypervisors: page.hypervisors.map((h) => hypervisorView(req, h, { detail: false })) };
  };
  app.get<{ Params: IdParams }>('/os-hypervisors/:id/search', byPattern(false));
  app.get<{ Params: IdParams }>('/os-hypervisors/:id/servers', byPattern(true));
}

/** The same query with the marker moved on, on the path that was asked (`/os-hypervisors` or `/detail`). */
function nextLink(req: FastifyRequest, last: THypervisor) {
  const u = new URL(req.url, `${req.protocol}://${req.host}`);
  u.searchParams.set('marker', last.hypervisorId);
  return `${u.origin}${u.pathname}?${u.searchParams.toString()}`;
}
