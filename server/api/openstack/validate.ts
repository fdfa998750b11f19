import { z } from 'zod';
import { AppError } from '../../lib/errors';

/**
 * Parses a request body or query against its schema; on failure a 400 that names the field and the reason,
 * in the wording OpenStack's JSON-schema validation uses ("Invalid input for field 'x': ...").
 */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || '<body>';
  const reason =
    issue.code === 'unrecognized_keys'
      ? `Additional properties are not allowed (${issue.keys.map((k) => `'${k}'`).join(', ')} ${issue.keys.length > 1 ? 'were' : 'was'} unexpected)`
      : issue.code === 'invalid_type' && issue.received === 'undefined'
        ? `'${String(issue.path.at(-1) ?? field)}' is a required property`
        : issue.message;
  throw new AppError('BadRequest', `Invalid input for field '${field}': ${reason}`, { field });
}

/** A query-string boolean as OpenStack clients send it: true/false/1/0/yes/no, any case. */
export const ZQueryBool = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', '']))
  .transform((s) => ['true', '1', 'yes', ''].includes(s));
