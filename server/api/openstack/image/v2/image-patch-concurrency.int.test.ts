import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../../../tests/helpers/identity-client';
import { imageHarness } from '../image.harness';

describe('image PATCH under concurrency: no update is lost', async () => {
  const h = await imageHarness();
  let alice: Actor;
  let bob: Actor;
  beforeAll(async () => {
    ({ alice, bob } = await h.ks.twoProjects());
  });

  it('keeps all of 20 concurrent PATCHes that each add a different property', async () => {
    const image = await h.create(alice.token, { name: 'busy' });
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.call('PATCH', `/images/${image.id}`, {
          token: alice.token,
          body: [{ op: 'add', path: `/prop_${i}`, value: `value ${i}` }],
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    const shown = (await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body;
    for (let i = 0; i < 20; i++) expect(shown[`prop_${i}`]).toBe(`value ${i}`);
    expect(shown.name).toBe('busy');
  });

  it('keeps all of 20 concurrent tag additions', async () => {
    const image = await h.create(alice.token);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => h.call('PUT', `/images/${image.id}/tags/tag-${i}`, { token: alice.token })),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(204));
    const shown = (await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body;
    expect([...shown.tags].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `tag-${i}`).sort());
  });

  it("still answers 404 to another project's PATCH, and changes nothing", async () => {
    const image = await h.create(alice.token, { visibility: 'private' });
    const r = await h.call('PATCH', `/images/${image.id}`, {
      token: bob.token,
      body: [{ op: 'add', path: '/stolen', value: 'yes' }],
    });
    expect(r.status).toBe(404);
    const shown = (await h.expectCall(200, 'GET', `/images/${image.id}`, { token: alice.token })).body;
    expect(shown.stolen).toBeUndefined();
  });
});
