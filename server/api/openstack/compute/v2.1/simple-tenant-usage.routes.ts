import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Compute } from '../../../../services/compute/compute.module';
import type { TUsageQuery } from '../../../../services/compute/usage.service';
import { authOf } from '../../request-auth';
import { atLeast } from '../microversion';
import { apiRoot } from './flavors.view';
import { usageQueryInput } from './simple-tenant-usage.schemas';
import { instanceCount, lastInstanceOf, tenantUsageView } from './simple-tenant-usage.view';

type TenantParams = { tenant_id: string };

/**
 * os-simple-tenant-usage: instance usage over a period, every project's for admins (index) or one project's (show,
 * for its readers). Since 2.40 the instances are paged and a full page links to the next.
 */
export function simpleTenantUsageRoutes(app: FastifyInstance, compute: Compute) {
  const versions = (req: FastifyRequest) => ({ paging: atLeast(req, '2.40'), strict: atLeast(req, '2.75') });

  app.get('/os-simple-tenant-usage', async (req) => {
    const v = versions(req);
    const q = usageQueryInput(req.query, { ...v, index: true }, new Date());
    const usages = await compute.usage.forAllProjects(authOf(req), q);
    const next = v.paging && nextLink(req, '/os-simple-tenant-usage', q, usages);
    return {
      tenant_usages: usages.map((u) => tenantUsageView(u, q.detailed)),
      ...(next && { tenant_usages_links: [{ rel: 'next', href: next }] }),
    };
  });

  app.get<{ Params: TenantParams }>('/os-simple-tenant-usage/:tenant_id', async (req) => {
    const v = versions(req);
    const q = usageQueryInput(req.query, { ...v, index: false }, new Date());
    const usage = await compute.usage.forProject(authOf(req), req.params.tenant_id, q);
    const next = v.paging && usage && nextLink(req, `/os-simple-tenant-usage/${req.params.tenant_id}`, q, [usage]);
    return {
      // Nova answers an empty object for a project that used nothing in the period
      tenant_usage: usage ? tenantUsageView(usage, true) : {},
      ...(next && { tenant_usage_links: [{ rel: 'next', href: next }] }),
    };
  });
}

/** A link to the next page when this one is full; the other parameters as they were asked. */
function nextLink(req: FastifyRequest, path: string, q: TUsageQuery, usages: Parameters<typeof lastInstanceOf>[0]) {
  const last = lastInstanceOf(usages);
  if (!last || q.limit === undefined || instanceCount(usages) < q.limit) return undefined;
  const u = new URL(req.url, 'http://x');
  u.searchParams.set('marker', last);
  u.searchParams.sort();
  return `${apiRoot(req)}/v2.1${path}?${u.searchParams.toString()}`;
}
