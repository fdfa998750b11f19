import type { FastifyInstance } from 'fastify';
import type { Images } from '../../../../services/image/image.module';
import { authOf, noContent } from '../../request-auth';
import { parseInput } from '../../validate';
import { ZMemberCreateBody, ZMemberUpdateBody } from './images.schemas';
import { memberView } from './images.view';

type IdParams = { id: string };
type MemberParams = { id: string; member: string };

export function memberRoutes(app: FastifyInstance, images: Images) {
  app.get<{ Params: IdParams }>('/images/:id/members', async (req) => {
    const members = await images.members.list(authOf(req), req.params.id);
    return { members: members.map(memberView), schema: '/v2/schemas/members' };
  });
  app.post<{ Params: IdParams }>('/images/:id/members', async (req) => {
    const { member } = parseInput(ZMemberCreateBody, req.body);
    return memberView(await images.members.add(authOf(req), req.params.id, member));
  });
  app.get<{ Params: MemberParams }>('/images/:id/members/:member', async (req) =>
    memberView(await images.members.get(authOf(req), req.params.id, req.params.member)),
  );
  app.put<{ Params: MemberParams }>('/images/:id/members/:member', async (req) => {
    const { status } = parseInput(ZMemberUpdateBody, req.body);
    return memberView(await images.members.setStatus(authOf(req), req.params.id, req.params.member, status));
  });
  app.delete<{ Params: MemberParams }>('/images/:id/members/:member', async (req, reply) => {
    await images.members.remove(authOf(req), req.params.id, req.params.member);
    return noContent(reply);
  });
}
