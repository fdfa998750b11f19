import type { FastifyInstance } from 'fastify';
import type { AuthContext } from '../../../../policy/auth-context';
import type { Identity } from '../../../../services/identity/identity.module';
import type { TAuthRequest } from '../../../../services/identity/token.service';
import { authOf, noContent } from '../../request-auth';
import { parseInput } from '../../validate';
import { ZAuthBody } from './identity.schemas';
import { catalogView, domainView, projectView, tokenView, type Links } from './identity.view';

const subjectOf = (h: unknown) => (typeof h === 'string' ? h : undefined);
const wantsCatalog = (q: unknown) => !(q && typeof q === 'object' && 'nocatalog' in q);

/** /v3/auth: issue, validate and revoke tokens; the caller's catalog, projects and domains. */
export function authRoutes(app: FastifyInstance, identity: Identity, links: Links) {
  // a token from an application credential names it, on issue and on validation alike (as Keystone's does)
  const appCredentialOf = async (ctx: AuthContext) => {
    if (!ctx.appCredentialId) return undefined;
    const c = await identity.credentials.getAppCredential(ctx, ctx.userId, ctx.appCredentialId);
    return { id: c.id, name: c.name, restricted: !c.unrestricted };
  };

  app.post('/auth/tokens', { config: { public: true } }, async (req, reply) => {
    const { auth } = parseInput(ZAuthBody, req.body);
    const id = auth.identity;
    const request: TAuthRequest = {
      methods: id.methods,
      password: id.password?.user && { user: id.password.user, password: id.password.user.password ?? '' },
      token: id.token,
      applicationCredential: id.application_credential,
      scope: auth.scope === 'unscoped' ? 'unscoped' : auth.scope && { project: auth.scope.project, domain: auth.scope.domain, system: auth.scope.system },
    };
    const ctx = await identity.tokens.authenticate(request, req.id);
    const catalog = wantsCatalog(req.query) ? await identity.catalog.catalog() : null;
    reply.header('X-Subject-Token', ctx.token).status(201);
    return tokenView(ctx, catalog, await appCredentialOf(ctx));
  });

  // Keystone echoes the validated token in X-Subject-Token on GET and HEAD as well
  app.get('/auth/tokens', async (req, reply) => {
    const ctx = await identity.tokens.check(authOf(req), subjectOf(req.headers['x-subject-token']));
    reply.header('X-Subject-Token', ctx.token);
    return tokenView(ctx, wantsCatalog(req.query) ? await identity.catalog.catalog() : null, await appCredentialOf(ctx));
  });

  app.head('/auth/tokens', async (req, reply) => {
    const ctx = await identity.tokens.check(authOf(req), subjectOf(req.headers['x-subject-token']));
    return reply.header('X-Subject-Token', ctx.token).status(200).send();
  });

  app.delete('/auth/tokens', async (req, reply) => {
    await identity.tokens.revoke(authOf(req), subjectOf(req.headers['x-subject-token']));
    return noContent(reply);
  });

  app.get('/auth/catalog', async () => ({ catalog: catalogView(await identity.catalog.catalog()), links: { self: `${links.base}/auth/catalog`, previous: null, next: null } }));

  app.get('/auth/projects', async (req) => {
    const ctx = authOf(req);
    const projects = await identity.projects.listForUser(ctx, ctx.userId);
    return { projects: projects.map((p) => projectView(links, p)), links: { self: `${links.base}/auth/projects`, previous: null, next: null } };
  });

  app.get('/auth/domains', async (req) => {
    const ctx = authOf(req);
    const domains = await identity.domains.listForUser(ctx);
    return { domains: domains.map((d) => domainView(links, d)), links: { self: `${links.base}/auth/domains`, previous: null, next: null } };
  });
}
