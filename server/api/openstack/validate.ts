import type { FastifyRequest } from 'fastify';
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

/** Where the first U+0000 sits in a parsed body or query (a dotted field path), or null when there is none. */
export function findNulCharacter(value: unknown): string | null {
  const todo: [unknown, string][] = [[value, '']];
  while (todo.length) {
    const [v, at] = todo.pop()!;
    if (typeof v === 'string' && v.includes('\u0000')) return at || '<body>';
    if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const path = at ? `${at}.${k}` : k;
        if (k.includes('\u0000')) return path;
        todo.push([child, path]);
      }
    }
  }
  return null;
}

/**
 * preHandler for OpenStack REST prefixes. PostgreSQL text cannot hold U+0000, so a NUL that reached a query would
 * come back as a 500: in a path it names nothing that exists (404), in a body or query string it is bad input (400).
 */
export async function refuseNulCharacters(req: FastifyRequest) {
  if (findNulCharacter(req.params)) throw new AppError('NotFound', 'The resource could not be found.');
  const field = findNulCharacter(req.query) ?? findNulCharacter(req.body);
  if (field) throw new AppError('BadRequest', `Invalid input for field '${field}': must not contain the NUL character (\\u0000)`, { field });
}
