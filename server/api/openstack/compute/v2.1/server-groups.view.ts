import type { FastifyRequest } from 'fastify';
import type { TServerGroup } from '../../../../services/compute/server-group.dto';
import { atLeast } from '../microversion';

/** A server group as Nova shows it: `policies` and an always-empty `metadata` before 2.64, `policy` and `rules` since. */
export const serverGroupView = (req: FastifyRequest, g: TServerGroup) => ({
  id: g.id,
  name: g.name,
  ...(atLeast(req, '2.64') ? { policy: g.policy, rules: g.rules } : { policies: [g.policy], metadata: {} }),
  members: g.members,
  ...(atLeast(req, '2.13') && { project_id: g.projectId, user_id: g.userId }),
});
