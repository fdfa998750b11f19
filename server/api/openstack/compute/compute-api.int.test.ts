import { beforeAll, describe, expect, it } from 'vitest';
import { computeClient } from '../../../../tests/helpers/compute-client';
import { identityClient } from '../../../../tests/helpers/identity-client';
import { startTestStack } from '../../../../tests/helpers/stack';

describe.concurrent('compute API: version discovery, microversions, faults', async () => {
  const stack = await startTestStack();
  const ks = identityClient(stack);
  const nova = computeClient(stack);
  let token: string;

  beforeAll(async () => {
    token = (await ks.userOnProject('member')).token;
  });

  it('lists v2.0 and v2.1 at the unversioned root, without a token', async () => {
    for (const path of ['/compute', '/compute/']) {
      const r = await fetch(`${stack.url}${path}`);
      expect(r.status).toBe(200);
      const body = (await r.json()) as { versions: Record<string, unknown>[] };
      expect(body.versions).toEqual([
        expect.objectContaining({ id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '' }),
        {
          id: 'v2.1',
          status: 'CURRENT',
          version: '2.90',
          min_version: '2.1',
          updated: '2013-07-23T11:33:21Z',
          links: [{ rel: 'self', href: `${nova.root}/v2.1/` }],
        },
      ]);
    }
  });

  it('describes v2.1 at /compute/v2.1 without a token', async () => {
    for (const path of ['', '/']) {
      const r = await nova.call('GET', path);
      expect(r.status).toBe(200);
      expect(r.body.version).toMatchObject({
        id: 'v2.1',
        status: 'CURRENT',
        version: '2.90',
        min_version: '2.1',
        links: expect.arrayContaining([{ rel: 'self', href: `${nova.root}/v2.1/` }]),
        'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
      });
    }
  });

  it('describes the legacy v2.0 it lists, so every listed link answers', async () => {
    const r = await fetch(`${nova.root}/v2/`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { version: unknown }).version).toMatchObject({
      id: 'v2.0',
      links: expect.arrayContaining([{ rel: 'self', href: `${nova.root}/v2/` }]),
    });
  });

  it('needs a token for everything else, answering 401 in Keystone shape', async () => {
    const r = await nova.call('GET', '/flavors');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: { code: 401, title: 'Unauthorized', message: expect.any(String) } });
    expect(r.headers.get('www-authenticate')).toMatch(/^Keystone uri=/);
    expect((await nova.call('GET', '/flavors', { token: 'not-a-token' })).status).toBe(401);
  });

  it('serves 2.1 without a version header and echoes the version asked for', async () => {
    const plain = await nova.call('GET', '/flavors', { token });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('openstack-api-version')).toBe('compute 2.1');
    expect(plain.headers.get('x-openstack-nova-api-version')).toBe('2.1');
    expect(plain.headers.get('vary')).toMatch(/OpenStack-API-Version, X-OpenStack-Nova-API-Version/);
    expect(plain.headers.get('x-compute-request-id')).toBe(plain.headers.get('x-openstack-request-id'));

    const asked = await nova.call('GET', '/flavors', { token, version: '2.61' });
    expect(asked.headers.get('openstack-api-version')).toBe('compute 2.61');
    const legacy = await nova.call('GET', '/flavors', {
      token,
      version: null,
      headers: { 'X-OpenStack-Nova-API-Version': '2.10' },
    });
    expect(legacy.headers.get('x-openstack-nova-api-version')).toBe('2.10');
    const latest = await nova.call('GET', '/flavors', { token, version: 'latest' });
    expect(latest.headers.get('openstack-api-version')).toBe('compute 2.90');
  });

  it('refuses a version outside 2.1–2.90 with 406, and a malformed one with 400', async () => {
    const r = await nova.call('GET', '/flavors', { token, version: '2.91' });
    expect(r.status).toBe(406);
    expect(r.body).toEqual({
      computeFault: {
        code: 406,
        message: 'Version 2.91 is not supported by the API. Minimum is 2.1 and maximum is 2.90.',
      },
    });
    expect((await nova.call('GET', '/flavors', { token, version: '3.0' })).status).toBe(406);
    const bad = await nova.call('GET', '/flavors', { token, version: 'two' });
    expect(bad.status).toBe(400);
    expect(bad.body.badRequest.message).toMatch(/API Version String two is of invalid format/);
  });

  it('answers unknown paths and bad bodies with Nova fault bodies', async () => {
    const missing = await nova.call('GET', '/no-such-thing', { token });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ itemNotFound: { code: 404, message: expect.any(String) } });
    const malformed = await nova.call('POST', '/os-keypairs', { token, raw: '{"keypair": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.badRequest.code).toBe(400);
    const nul = await nova.call('POST', '/os-keypairs', { token, body: { keypair: { name: 'a\u0000b' } } });
    expect(nul.status).toBe(400);
    expect(nul.body.badRequest.message).toMatch(/keypair.name/);
  });
});
