import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../lib/errors';

/**
 * Nova's microversions: a client asks for `OpenStack-API-Version: compute 2.55` (or the legacy
 * `X-OpenStack-Nova-API-Version: 2.55`) and gets exactly that version's behaviour; no header means the base 2.1.
 * A version is kept as major * 1000 + minor, so `2.9 < 2.10` compares as numbers do.
 */
export const MIN_VERSION = '2.1';
export const MAX_VERSION = '2.90';

export type Microversion = number;

declare module 'fastify' {
  interface FastifyRequest {
    /** The compute microversion this request asked for (see microversion.ts); set on every /compute/v2.1 request. */
    microversion?: Microversion;
  }
}

const VERSION = /^([1-9]\d*)\.(0|[1-9]\d*)$/;

/** "2.55" → 2055; throws on anything that is not MAJOR.MINOR. */
export function parseVersion(text: string): Microversion {
  const m = VERSION.exec(text);
  if (!m) {
    throw new AppError(
      'BadRequest',
      `API Version String ${text} is of invalid format. Must be of format MajorNum.MinorNum.`,
    );
  }
  return Number(m[1]) * 1000 + Number(m[2]);
}

export const formatVersion = (v: Microversion) => `${Math.floor(v / 1000)}.${v % 1000}`;

const MIN = parseVersion(MIN_VERSION);
const MAX = parseVersion(MAX_VERSION);

/** Raised as a 406 by nova-faults.ts, as Nova answers a version outside its range. */
export class VersionNotAcceptable extends Error {
  override readonly name = 'VersionNotAcceptable';
}

/**
 * What the request's headers ask for. The standard header may list several services (`compute 2.5, volume 3.2`);
 * only the compute entry counts, and it wins over the legacy header.
 */
export function requestedVersion(headers: Record<string, string | string[] | undefined>): Microversion {
  const text = fromStandardHeader(headers['openstack-api-version']) ?? single(headers['x-openstack-nova-api-version']);
  if (text === undefined) return MIN;
  const wanted = text.trim().toLowerCase();
  if (wanted === 'latest') return MAX;
  const v = parseVersion(wanted);
  if (v < MIN || v > MAX) {
    throw new VersionNotAcceptable(
      `Version ${wanted} is not supported by the API. Minimum is ${MIN_VERSION} and maximum is ${MAX_VERSION}.`,
    );
  }
  return v;
}

function single(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h.join(',') : h;
}

function fromStandardHeader(h: string | string[] | undefined): string | undefined {
  const text = single(h);
  if (text === undefined) return undefined;
  for (const part of text.split(',')) {
    const [service, version] = part.trim().split(/\s+/, 2);
    if (service?.toLowerCase() === 'compute' && version !== undefined) return version;
  }
  return undefined;
}

/** Whether the request was made at `version` or later: `atLeast(req, '2.55')`. */
export function atLeast(req: FastifyRequest, version: string): boolean {
  return (req.microversion ?? MIN) >= parseVersion(version);
}

/** The headers every /compute/v2.1 answer carries, naming the version it was served at. */
export function versionHeaders(v: Microversion): Record<string, string> {
  const text = formatVersion(v);
  return {
    'OpenStack-API-Version': `compute ${text}`,
    'X-OpenStack-Nova-API-Version': text,
    Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  };
}
