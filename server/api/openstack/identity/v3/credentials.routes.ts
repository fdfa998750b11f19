import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../../lib/errors';
import type { Identity } from '../../../../services/identity/identity.module';
import { authOf, noContent } from '../../request-auth';
import { parseInput } from '../../validate';
import { ZAppCredentialCreateBody, ZCredentialCreateBody, ZCredentialUpdateBody, ZEc2CreateBody } from './identity.schemas';
import { appCredentialView, credentialView, ec2View, listLinks, type Links } from './identity.view';

type UserParams = { userId: string };
type ItemParams = { userId: string; id: string };

/** Application credentials and EC2 credentials, both owned by a user. */
export function credentialRoutes(app: FastifyInstance, identity: Identity, links: Links) {
  app.post<{ Params: UserParams }>('/users/:userId/application_credentials', async (req, reply) => {
    const { application_credential: c } = parseInput(ZAppCredentialCreateBody, req.body);
    const ctx = authOf(req);
    const roleIds = c.roles?.map((r) => {
      const held = ctx.roles.find((h) => h.id === r.id || h.name === r.name);
      if (!held) throw new AppError('Forbidden', `You cannot delegate a role you do not hold: ${r.id ?? r.name}.`);
      return held.id;
    });
    const created = await identity.credentials.createAppCredential(ctx, req.params.userId, {
      name: c.name,
      description: c.description ?? '',
      secret: c.secret ?? undefined,
      expiresAt: c.expires_at ? new Date(c.expires_at.endsWith('Z') || /[+-]\d\d:?\d\d$/.test(c.expires_at) ? c.expires_at : `${c.expires_at}Z`) : null,
      roleIds,
      unrestricted: c.unrestricted ?? false,
    });
    // the digits past the millisecond, which a Date drops: the answer shows the expiry exactly as it was asked for
    const micros = Number((c.expires_at?.match(/\.\d{3}(\d{1,3})/)?.[1] ?? '').padEnd(3, '0'));
    return reply.status(201).send({ application_credential: appCredentialView(links, created, micros) });
  });
  app.get<{ Params: UserParams; Querystring: { name?: string } }>('/users/:userId/application_credentials', async (req) => {
    const list = await identity.credentials.listAppCredentials(authOf(req), req.params.userId, req.query.name);
    return { application_credentials: list.map((c) => appCredentialView(links, c)), links: listLinks(links, `users/${req.params.userId}/application_credentials`) };
  });
  app.get<{ Params: ItemParams }>('/users/:userId/application_credentials/:id', async (req) => ({
    application_credential: appCredentialView(links, await identity.credentials.getAppCredential(authOf(req), req.params.userId, req.params.id)),
  }));
  app.delete<{ Params: ItemParams }>('/users/:userId/application_credentials/:id', async (req, reply) => {
    await identity.credentials.deleteAppCredential(authOf(req), req.params.userId, req.params.id);
    return noContent(reply);
  });

  // the generic credentials API; Cumulo keeps EC2 credentials only
  app.post('/credentials', async (req, reply) => {
    const { credential: c } = parseInput(ZCredentialCreateBody, req.body);
    const created = await identity.credentials.createCredential(authOf(req), { userId: c.user_id, projectId: c.project_id, type: c.type, blob: c.blob });
    return reply.status(201).send({ credential: credentialView(links, created) });
  });
  app.get('/credentials', async (req) => {
    const q = parseInput(z.object({ user_id: z.string().max(64).optional(), type: z.string().max(255).optional() }).passthrough(), req.query);
    const list = await identity.credentials.listCredentials(authOf(req), { userId: q.user_id, type: q.type });
    return { credentials: list.map((c) => credentialView(links, c)), links: listLinks(links, 'credentials') };
  });
  app.get<{ Params: { id: string } }>('/credentials/:id', async (req) => ({
    credential: credentialView(links, await identity.credentials.getCredential(authOf(req), req.params.id)),
  }));
  app.patch<{ Params: { id: string } }>('/credentials/:id', async (req) => {
    const { credential: c } = parseInput(ZCredentialUpdateBody, req.body);
    const updated = await identity.credentials.updateCredential(authOf(req), req.params.id, { userId: c.user_id, projectId: c.project_id, type: c.type, blob: c.blob });
    return { credential: credentialView(links, updated) };
  });
  app.delete<{ Params: { id: string } }>('/credentials/:id', async (req, reply) => {
    await identity.credentials.deleteCredential(authOf(req), req.params.id);
    return noContent(reply);
  });

  app.post<{ Params: UserParams }>('/users/:userId/credentials/OS-EC2', async (req, reply) => {
    const { tenant_id } = parseInput(ZEc2CreateBody, req.body);
    const created = await identity.credentials.createEc2(authOf(req), req.params.userId, tenant_id);
    return reply.status(201).send({ credential: ec2View(links, created) });
  });
  app.get<{ Params: UserParams }>('/users/:userId/credentials/OS-EC2', async (req) => {
    const list = await identity.credentials.listEc2(authOf(req), req.params.userId);
    return { credentials: list.map((c) => ec2View(links, c)), links: listLinks(links, `users/${req.params.userId}/credentials/OS-EC2`) };
  });
  app.get<{ Params: ItemParams }>('/users/:userId/credentials/OS-EC2/:id', async (req) => ({
    credential: ec2View(links, await identity.credentials.getEc2(authOf(req), req.params.userId, req.params.id)),
  }));
  app.delete<{ Params: ItemParams }>('/users/:userId/credentials/OS-EC2/:id', async (req, reply) => {
    await identity.credentials.deleteEc2(authOf(req), req.params.userId, req.params.id);
    return noContent(reply);
  });
}
