import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors';
import type { AuthContext } from '../../policy/auth-context';
import type { TokenService } from '../../services/identity/token.service';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
  interface FastifyContextConfig {
    /** Route needs no X-Auth-Token (version discovery, token issue). */
    public?: boolean;
  }
}

/** onRequest hook for every OpenStack REST prefix: X-Auth-Token → req.auth, or 401. */
export const requireToken = (tokens: TokenService) => async (req: FastifyRequest) => {
  if (req.routeOptions.config.public) return;
  const token = req.headers['x-auth-token'];
  req.auth = await tokens.validate(typeof token === 'string' ? token : undefined, req.id);
};

/** The caller's context; only reachable on routes behind requireToken. */
export function authOf(req: FastifyRequest): AuthContext {
  if (!req.auth) throw new AppError('Unauthorized', 'The request you have made requires authentication.');
  return req.auth;
}

export const noContent = (reply: FastifyReply) => reply.status(204).send();
