import type { FastifyRequest } from 'fastify';
import type { TFlavor, TFlavorAccess } from '../../../../services/compute/flavor.dto';
import { atLeast } from '../microversion';

/** Flavors as Nova shows them at the request's microversion (nova/api/openstack/compute/views/flavors.py). */

/** The API root links point at, as Nova builds them from the request's own URL: `http://host:port/compute`. */
export const apiRoot = (req: FastifyRequest) => `${req.protocol}://${req.host}/compute`;

function links(req: FastifyRequest, id: string) {
  const root = apiRoot(req);
  return [
    { rel: 'self', href: `${root}/v2.1/flavors/${id}` },
    { rel: 'bookmark', href: `${root}/flavors/${id}` },
  ];
}

/** GET /flavors: id, name and links (and the description from 2.55). */
export function flavorBrief(req: FastifyRequest, f: TFlavor) {
  return {
    id: f.id,
    name: f.name,
    ...(atLeast(req, '2.55') && { description: f.description }),
    links: links(req, f.id),
  };
}

/** GET /flavors/detail and /flavors/{id}; `swap` is "" for none until 2.75, then 0. */
export function flavorView(req: FastifyRequest, f: TFlavor) {
  return {
    id: f.id,
    name: f.name,
    ram: f.ramMb,
    disk: f.diskGb,
    swap: f.swapMb || (atLeast(req, '2.75') ? 0 : ''),
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeralGb,
    'OS-FLV-DISABLED:disabled': f.disabled,
    vcpus: f.vcpus,
    'os-flavor-access:is_public': f.isPublic,
    rxtx_factor: f.rxtxFactor,
    ...(atLeast(req, '2.55') && { description: f.description }),
    ...(atLeast(req, '2.61') && { extra_specs: f.extraSpecs }),
    links: links(req, f.id),
  };
}

export const accessView = (access: TFlavorAccess[]) => ({
  flavor_access: access.map((a) => ({ flavor_id: a.flavorId, tenant_id: a.projectId })),
});
