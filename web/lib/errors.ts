import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@server/trpc/root';

type ClientError = TRPCClientError<AppRouter>;

const asClientError = (e: unknown): ClientError | undefined =>
  e instanceof TRPCClientError ? (e as ClientError) : undefined;

/** The tRPC code of a failed call (UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT…), if it reached the server. */
export const errorCode = (e: unknown): string | undefined => asClientError(e)?.data?.code;

export const isUnauthorized = (e: unknown) => errorCode(e) === 'UNAUTHORIZED';

/** A 4xx: retrying will not change the answer. */
export const isClientError = (e: unknown) => {
  const status = asClientError(e)?.data?.httpStatus;
  return typeof status === 'number' && status >= 400 && status < 500;
};

/**
 * One message per invalid field, for forms: `{ name: 'must not be empty' }`. Paths under `prefix` (e.g. `patch.`
 * for `{ id, patch }` inputs) are keyed without it, so a form looks fields up by their own names.
 */
export function fieldErrors(e: unknown, prefix = ''): Record<string, string | undefined> {
  const fields = asClientError(e)?.data?.validation?.fieldErrors ?? {};
  const out: Record<string, string | undefined> = {};
  for (const [path, messages] of Object.entries(fields)) {
    const key = prefix && path.startsWith(prefix) ? path.slice(prefix.length) : path;
    out[key] ??= messages[0];
  }
  return out;
}

/** The message for the whole form: field errors are shown by their fields, anything else here. */
export const formError = (e: unknown): string | undefined =>
  !e ? undefined : asClientError(e)?.data?.validation ? 'Some fields need attention.' : errorMessage(e);

/** A sentence for a person: the server's message for answers, a plain one when the server was not reached. */
export function errorMessage(e: unknown): string {
  const ce = asClientError(e);
  if (!ce) return 'Something went wrong.';
  if (!ce.data) return 'The server could not be reached. Check your connection and try again.';
  return ce.message;
}
