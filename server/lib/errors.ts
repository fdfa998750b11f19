/**
 * Services throw AppError with a code; each transport (OpenStack REST, tRPC, RPC bus) maps the code once,
 * through ERROR_CODES, to its own status. No service knows about HTTP.
 */
export const ERROR_CODES = {
  BadRequest: { http: 400, title: 'Bad Request', trpc: 'BAD_REQUEST' },
  Unauthorized: { http: 401, title: 'Unauthorized', trpc: 'UNAUTHORIZED' },
  Forbidden: { http: 403, title: 'Forbidden', trpc: 'FORBIDDEN' },
  NotFound: { http: 404, title: 'Not Found', trpc: 'NOT_FOUND' },
  Conflict: { http: 409, title: 'Conflict', trpc: 'CONFLICT' },
  PayloadTooLarge: { http: 413, title: 'Request Entity Too Large', trpc: 'PAYLOAD_TOO_LARGE' },
  OverQuota: { http: 403, title: 'Forbidden', trpc: 'FORBIDDEN' },
  TooManyRequests: { http: 429, title: 'Too Many Requests', trpc: 'TOO_MANY_REQUESTS' },
  Timeout: { http: 504, title: 'Gateway Timeout', trpc: 'TIMEOUT' },
  Unavailable: { http: 503, title: 'Service Unavailable', trpc: 'INTERNAL_SERVER_ERROR' },
  Internal: { http: 500, title: 'Internal Server Error', trpc: 'INTERNAL_SERVER_ERROR' },
} as const;

export type AppErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Extra machine-readable detail (e.g. which field or which quota). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

export const notFound = (kind: string, id: string) => new AppError('NotFound', `Could not find ${kind}: ${id}.`);
