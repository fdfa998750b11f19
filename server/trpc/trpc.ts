import { randomUUID } from 'node:crypto';
import { initTRPC, TRPCError } from '@trpc/server';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import { AppError, ERROR_CODES, isAppError, type AppErrorCode } from '../lib/errors';
import { clearedSessionCookie, CSRF_HEADER, readSessionCookie, sessionCookie } from '../lib/session-cookie';
import { isCloudAdmin, type AuthContext } from '../policy/auth-context';
import type { QuotaService } from '../quota/quota.service';
import type { Compute } from '../services/compute/compute.module';
import type { Identity } from '../services/identity/identity.module';
import type { Images } from '../services/image/image.module';

// 1. CONTEXT

/** Writes the session cookie on the response; a no-op outside HTTP (tests calling routers directly). */
export type SessionWriter = { set(auth: AuthContext): void; clear(): void };

export type TrpcContext = {
  identity: Identity;
  compute: Compute;
  images: Images;
  quotas: QuotaService;
  requestId: string;
  /** The session token from the cookie, not yet validated: procedures that need a user validate it. */
  token: string | undefined;
  /** The request carried the CSRF header. */
  csrf: boolean;
  session: SessionWriter;
};

/** The context without HTTP, for tests and server-side callers (create-t3-app's "inner context"). */
export function createInnerContext(opts: {
  identity: Identity;
  compute: Compute;
  images: Images;
  quotas: QuotaService;
  token?: string;
  csrf?: boolean;
  session?: SessionWriter;
}): TrpcContext {
  return {
    identity: opts.identity,
    compute: opts.compute,
    images: opts.images,
    quotas: opts.quotas,
    requestId: `req-${randomUUID()}`,
    token: opts.token,
    csrf: opts.csrf ?? true,
    session: opts.session ?? { set() {}, clear() {} },
  };
}

/** The context of one HTTP request: the cookie's token, the CSRF header, and a writer for the cookie. */
export const createContextFactory =
  (deps: { identity: Identity; compute: Compute; images: Images; quotas: QuotaService; secureCookies: boolean }) =>
  ({ req, res }: CreateFastifyContextOptions): TrpcContext => {
    const secure = deps.secureCookies;
    return {
      identity: deps.identity,
      compute: deps.compute,
      images: deps.images,
      quotas: deps.quotas,
      requestId: req.id,
      token: readSessionCookie(req.headers.cookie),
      csrf: req.headers[CSRF_HEADER] === '1',
      session: {
        set: (auth) => void res.header('set-cookie', sessionCookie(auth.token, auth.expiresAt, { secure })),
        clear: () => void res.header('set-cookie', clearedSessionCookie({ secure })),
      },
    };
  };

// 2. ERRORS

/**
 * Field errors of a zod failure, for forms, keyed by the field's full path:
 * `{ fieldErrors: { 'patch.name': ['must not be empty'] }, formErrors: [] }`.
 */
export type TFieldErrors = { fieldErrors: Record<string, string[]>; formErrors: string[] };

function flattenZodError(e: ZodError): TFieldErrors {
  const out: TFieldErrors = { fieldErrors: {}, formErrors: [] };
  for (const issue of e.issues) {
    if (issue.path.length === 0) out.formErrors.push(issue.message);
    else (out.fieldErrors[issue.path.join('.')] ??= []).push(issue.message);
  }
  return out;
}

const t = initTRPC.context<TrpcContext>().create({
  /**
   * Services throw AppError (and zod errors from their own input parsing); they reach here as the cause of an
   * INTERNAL_SERVER_ERROR. This maps them once, through ERROR_CODES, so the client sees FORBIDDEN, NOT_FOUND…
   * with the right HTTP status; anything else stays a 500 whose message is not shown.
   */
  errorFormatter({ shape, error }) {
    // stack traces stay in the server's log
    const data = { ...shape.data, stack: undefined };
    const cause = error.cause;
    if (cause instanceof ZodError) {
      return {
        code: TRPC_ERROR_CODES_BY_KEY.BAD_REQUEST,
        message: 'Some fields are not valid.',
        data: {
          ...data,
          code: 'BAD_REQUEST' as const,
          httpStatus: 400,
          appCode: 'BadRequest' as AppErrorCode,
          validation: flattenZodError(cause),
        },
      };
    }
    if (isAppError(cause)) {
      const m = ERROR_CODES[cause.code];
      return {
        code: TRPC_ERROR_CODES_BY_KEY[m.trpc],
        message: cause.message,
        data: { ...data, code: m.trpc, httpStatus: m.http, appCode: cause.code, validation: null },
      };
    }
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    return {
      ...shape,
      message: internal ? 'Something went wrong on the server.' : shape.message,
      data: { ...data, appCode: null as AppErrorCode | null, validation: null as TFieldErrors | null },
    };
  },
});

/** True for errors that are bugs or outages rather than answers (a 4xx is the caller's business, not a log line). */
export const isUnexpected = (e: TRPCError) =>
  e.code === 'INTERNAL_SERVER_ERROR' && !isAppError(e.cause) && !(e.cause instanceof ZodError);

// 3. PROCEDURES

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

const csrfGuard = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' && !ctx.csrf) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `Mutations must carry the ${CSRF_HEADER} header.` });
  }
  return next();
});

/** Anyone, signed in or not (sign-in itself). */
export const publicProcedure = t.procedure.use(csrfGuard);

/** A signed-in user: ctx.auth is the validated token's context; an expired or revoked token is UNAUTHORIZED. */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  let auth: AuthContext;
  try {
    auth = await ctx.identity.tokens.validate(ctx.token, ctx.requestId);
  } catch (e) {
    // a dead token in the cookie is dropped, so the browser stops sending it
    if (ctx.token && isAppError(e) && e.code === 'Unauthorized') ctx.session.clear();
    throw e;
  }
  return next({ ctx: { auth } });
});

/**
 * A cloud administrator (the admin role in the token's scope). The services enforce their own policy as well;
 * this makes every admin page's procedures FORBIDDEN to others up front, whatever the service would say.
 */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!isCloudAdmin(ctx.auth)) throw new AppError('Forbidden', 'Only cloud administrators may do this.');
  return next();
});
