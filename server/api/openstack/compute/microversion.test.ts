import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../lib/errors';
import { atLeast, formatVersion, requestedVersion, VersionNotAcceptable, versionHeaders } from './microversion';

const asked = (headers: Record<string, string>) => formatVersion(requestedVersion(headers));

describe('compute microversions', () => {
  it('serves 2.1 when the request names no version', () => {
    expect(asked({})).toBe('2.1');
    // another service's entry in the standard header is not ours
    expect(asked({ 'openstack-api-version': 'volume 3.40' })).toBe('2.1');
  });

  it('reads the standard header, the legacy one, and latest', () => {
    expect(asked({ 'openstack-api-version': 'compute 2.55' })).toBe('2.55');
    expect(asked({ 'openstack-api-version': 'volume 3.2, Compute 2.10' })).toBe('2.10');
    expect(asked({ 'x-openstack-nova-api-version': '2.61' })).toBe('2.61');
    expect(asked({ 'openstack-api-version': 'compute latest' })).toBe('2.90');
    expect(asked({ 'openstack-api-version': 'compute 2.3', 'x-openstack-nova-api-version': '2.80' })).toBe('2.3');
  });

  it('orders 2.9 before 2.10, as versions and not as decimals', () => {
    const req = (v: string) =>
      ({ microversion: requestedVersion({ 'x-openstack-nova-api-version': v }) }) as FastifyRequest;
    expect(atLeast(req('2.10'), '2.9')).toBe(true);
    expect(atLeast(req('2.9'), '2.10')).toBe(false);
    expect(atLeast({} as FastifyRequest, '2.1')).toBe(true);
  });

  it('refuses a version outside 2.1–2.90 as not acceptable, and a malformed one as bad input', () => {
    for (const v of ['2.91', '3.0', '2.0', '1.1']) {
      expect(() => requestedVersion({ 'openstack-api-version': `compute ${v}` })).toThrow(VersionNotAcceptable);
    }
    expect(() => requestedVersion({ 'openstack-api-version': 'compute 3.0' })).toThrow(
      'Version 3.0 is not supported by the API. Minimum is 2.1 and maximum is 2.90.',
    );
    for (const v of ['2', 'abc', '2.01', '2.1.1']) {
      let err: unknown;
      try {
        requestedVersion({ 'x-openstack-nova-api-version': v });
      } catch (e) {
        err = e;
      }
      expect(isAppError(err) && err.code).toBe('BadRequest');
    }
  });

  it('names the version served in both headers and varies on them', () => {
    expect(versionHeaders(requestedVersion({ 'openstack-api-version': 'compute 2.55' }))).toEqual({
      'OpenStack-API-Version': 'compute 2.55',
      'X-OpenStack-Nova-API-Version': '2.55',
      Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
    });
  });
});
