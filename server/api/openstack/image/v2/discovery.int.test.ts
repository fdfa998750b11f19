import { describe, expect, it } from 'vitest';
import { imageHarness } from '../image.harness';

describe('image API discovery: catalog entry, version documents, schemas', async () => {
  const h = await imageHarness();

  it('lists the image service as glance at /image in the catalog', async () => {
    const r = await h.ks.expectCall(200, 'GET', '/auth/catalog', { token: await h.ks.admin() });
    const image = r.body.catalog.find((s: { type: string }) => s.type === 'image');
    expect(image.name).toBe('glance');
    expect(image.endpoints.map((e: { url: string }) => e.url)).toEqual(Array(3).fill(`${h.stack.url}/image`));
  });

  it('answers the unversioned root with 300 and /versions with 200, both naming v2 CURRENT, without a token', async () => {
    for (const [path, status] of [
      ['/image', 300],
      ['/image/versions', 200],
    ] as const) {
      const res = await fetch(`${h.stack.url}${path}`);
      expect(res.status, path).toBe(status);
      const body = await res.json();
      expect(body.versions[0]).toMatchObject({
        status: 'CURRENT',
        links: [{ rel: 'self', href: `${h.stack.url}/image/v2/` }],
      });
      expect(body.versions[0].id).toMatch(/^v2\.\d+$/);
    }
  });

  it('serves the image and member schemas to a signed-in caller', async () => {
    const token = await h.ks.admin();
    const image = (await h.expectCall(200, 'GET', '/schemas/image', { token })).body;
    expect(image.name).toBe('image');
    expect(image.properties.disk_format.enum).toContain('qcow2');
    expect((await h.expectCall(200, 'GET', '/schemas/members', { token })).body.name).toBe('members');
    expect((await h.call('GET', '/schemas/image')).status).toBe(401);
  });
});
