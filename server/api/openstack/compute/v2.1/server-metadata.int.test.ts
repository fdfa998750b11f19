import { beforeAll, describe, expect, it } from 'vitest';
import { computeClient } from '../../../../../tests/helpers/compute-client';
import { identityClient, suffix, type Actor } from '../../../../../tests/helpers/identity-client';
import { uploadImage, waitForStatus } from '../../../../../tests/helpers/server-fixtures';
import { startTestStack, type RunningTestStack } from '../../../../../tests/helpers/stack';

/** Server metadata (server-metadata) and os-lock-server, on a server booted on the stack's test-hypervisor host. */
describe('server metadata and locks', () => {
  let stack: RunningTestStack;
  let nova: ReturnType<typeof computeClient>;
  let keystone: ReturnType<typeof identityClient>;
  let alice: Actor;
  let bob: Actor;
  let adminToken: string;
  let imageId: string;

  beforeAll(async () => {
    stack = await startTestStack({ COMPUTE_DRIVER: 'test', COMPUTE_HOST: 'host-a' });
    nova = computeClient(stack);
    keystone = identityClient(stack);
    ({ alice, bob } = await keystone.twoProjects());
    adminToken = await keystone.admin();
    imageId = (await uploadImage(stack, adminToken, { visibility: 'public', bytes: 4096 })).id;
  });

  const bootActive = async (token: string, metadata: Record<string, string> = {}) => {
    const r = await nova.call('POST', '/servers', {
      token,
      body: { server: { name: `m-${suffix()}`, imageRef: imageId, flavorRef: '42', metadata } },
    });
    expect(r.status, r.text).toBe(202);
    await waitForStatus(nova, token, r.body.server.id, 'ACTIVE');
    return r.body.server.id as string;
  };

  it('merges with POST, replaces with PUT, and reads, sets and deletes single items', async () => {
    const id = await bootActive(alice.token, { a: '1' });
    const md = (method: string, tail = '', body?: unknown) =>
      nova.call(method, `/servers/${id}/metadata${tail}`, { token: alice.token, body });

    expect((await md('GET')).body).toEqual({ metadata: { a: '1' } });
    const merged = await md('POST', '', { metadata: { a: 'x', b: '2' } });
    expect(merged.status).toBe(200);
    expect(merged.body).toEqual({ metadata: { a: 'x', b: '2' } });
    const replaced = await md('PUT', '', { metadata: { 'c key:/.-_': '3' } });
    expect(replaced.body).toEqual({ metadata: { 'c key:/.-_': '3' } });
    expect((await md('PUT', '', { metadata: { c: '3' } })).body).toEqual({ metadata: { c: '3' } });

    expect((await md('GET', '/c')).body).toEqual({ meta: { c: '3' } });
    const missing = await md('GET', '/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.itemNotFound.message).toBe('Metadata item was not found');
    const set = await md('PUT', '/d', { meta: { d: '4' } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ meta: { d: '4' } });
    const shown = await nova.call('GET', `/servers/${id}`, { token: alice.token });
    expect(shown.body.server.metadata).toEqual({ c: '3', d: '4' });

    expect((await md('DELETE', '/c')).status).toBe(204);
    expect((await md('DELETE', '/c')).status).toBe(404);
    expect((await md('GET')).body).toEqual({ metadata: { d: '4' } });

    const refused: [string, string, unknown, RegExp][] = [
      ['PUT', '/d', { meta: { e: '5' } }, /Request body and URI mismatch/],
      ['PUT', '/d', { meta: { d: '4', e: '5' } }, /Request body contains too many items/],
      ['PUT', '/d', { meta: {} }, /meta/],
      ['PUT', '/d', { metadata: { d: '4' } }, /meta/],
      ['POST', '', { metadata: { 'bad!key': 'v' } }, /metadata keys/],
      ['POST', '', { metadata: { k: 'v'.repeat(256) } }, /at most 255/],
      ['POST', '', { metadata: { k: 1 } }, /metadata/],
      ['POST', '', { meta: { k: 'v' } }, /metadata/],
      ['PUT', '', {}, /'metadata' is a required property/],
    ];
    for (const [method, tail, body, message] of refused) {
      const r = await md(method, tail, body);
      expect(r.status, `${method} ${tail} ${JSON.stringify(body)}`).toBe(400);
      expect(r.body.badRequest.message).toMatch(message);
    }
    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
  });

  it('counts the items against metadata_items and answers 403 naming the quota', async () => {
    const carol = await keystone.userOnProject('member', 'carol');
    await nova.expectCall(200, 'PUT', `/os-quota-sets/${carol.projectId}`, {
      token: adminToken,
      body: { quota_set: { metadata_items: 2 } },
    });
    const id = await bootActive(carol.token, { a: '1' });
    const path = `/servers/${id}/metadata`;
    expect((await nova.call('POST', path, { token: carol.token, body: { metadata: { b: '2' } } })).status).toBe(200);
    const over = await nova.call('POST', path, { token: carol.token, body: { metadata: { c: '3' } } });
    expect(over.status).toBe(403);
    expect(over.body.forbidden.message).toBe(
      'Quota exceeded for metadata_items: Maximum number of metadata items exceeds 2',
    );
    expect((await nova.call('PUT', `${path}/c`, { token: carol.token, body: { meta: { c: '3' } } })).status).toBe(403);
    // overwriting an existing key adds nothing
    expect((await nova.call('PUT', `${path}/b`, { token: carol.token, body: { meta: { b: '3' } } })).status).toBe(200);
    expect((await nova.call('PUT', path, { token: carol.token, body: { metadata: { x: '1', y: '2' } } })).status).toBe(
      200,
    );
    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: carol.token });
  });

  it('keeps metadata to the project: another project gets 404, a reader may read but not write', async () => {
    const id = await bootActive(alice.token, { a: '1' });
    for (const [method, tail, body] of [
      ['GET', '', undefined],
      ['POST', '', { metadata: { b: '2' } }],
      ['PUT', '', { metadata: { b: '2' } }],
      ['GET', '/a', undefined],
      ['PUT', '/a', { meta: { a: '2' } }],
      ['DELETE', '/a', undefined],
    ] as const) {
      const r = await nova.call(method, `/servers/${id}/metadata${tail}`, { token: bob.token, body });
      expect(r.status, `${method} ${tail}`).toBe(404);
    }
    // a reader of alice's project may read; a reader of another project finds nothing
    const reader = await keystone.userOnProject('reader', 'reader');
    const peek = await keystone.createUser();
    await keystone.grant('reader', { user: peek.id }, { project: alice.projectId });
    const token = await keystone.issueToken({ id: peek.id }, peek.password, { project: { id: alice.projectId } });
    expect((await nova.call('GET', `/servers/${id}/metadata`, { token })).status).toBe(200);
    expect((await nova.call('POST', `/servers/${id}/metadata`, { token, body: { metadata: { b: '2' } } })).status).toBe(
      403,
    );
    expect((await nova.call('DELETE', `/servers/${id}/metadata/a`, { token })).status).toBe(403);
    expect((await nova.call('GET', `/servers/${id}/metadata`, { token: reader.token })).status).toBe(404);
    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
  });

  it('locks and unlocks: a locked server refuses actions, metadata changes and deletion to its owner (409)', async () => {
    const id = await bootActive(alice.token);
    const act = (body: unknown, token = alice.token, version?: string) =>
      nova.call('POST', `/servers/${id}/action`, { token, body, version });
    const locked = async () =>
      (await nova.call('GET', `/servers/${id}`, { token: alice.token, version: '2.9' })).body.server.locked;

    expect((await act({ lock: null })).status).toBe(202);
    expect(await locked()).toBe(true);
    expect((await act({ lock: null })).status).toBe(202);
    const stop = await act({ 'os-stop': null });
    expect(stop.status).toBe(409);
    expect(stop.body.conflictingRequest.message).toBe(`Instance ${id} is locked`);
    expect(
      (await nova.call('POST', `/servers/${id}/metadata`, { token: alice.token, body: { metadata: { a: '1' } } }))
        .status,
    ).toBe(409);
    expect((await nova.call('DELETE', `/servers/${id}`, { token: alice.token })).status).toBe(409);
    expect((await act({ unlock: null })).status).toBe(202);
    expect(await locked()).toBe(false);

    // 2.73 takes a reason (and refuses anything else in the body); earlier versions ignore the body
    expect((await act({ lock: { locked_reason: 'maintenance' } }, alice.token, '2.73')).status).toBe(202);
    expect((await act({ unlock: null })).status).toBe(202);
    const bad = await act({ lock: { reason: 'x' } }, alice.token, '2.73');
    expect(bad.status).toBe(400);
    expect((await act({ lock: { reason: 'x' } }, alice.token, '2.72')).status).toBe(202);
    expect((await act({ unlock: null })).status).toBe(202);

    const events = await nova.call('GET', `/servers/${id}/os-instance-actions`, { token: alice.token });
    expect(events.body.instanceActions.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['lock', 'unlock']),
    );
    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
  });

  it("keeps an admin's lock: the owner may not lift it (403), the admin may; another project gets 404", async () => {
    const id = await bootActive(alice.token);
    const act = (body: unknown, token: string) => nova.call('POST', `/servers/${id}/action`, { token, body });
    expect((await act({ lock: null }, bob.token)).status).toBe(404);
    expect((await act({ unlock: null }, bob.token)).status).toBe(404);

    expect((await act({ lock: null }, adminToken)).status).toBe(202);
    const refused = await act({ unlock: null }, alice.token);
    expect(refused.status).toBe(403);
    expect(refused.body.forbidden.message).toMatch(/os-lock-server:unlock:unlock_override/);
    // an admin acts on a locked server
    expect((await act({ 'os-stop': null }, adminToken)).status).toBe(202);
    await waitForStatus(nova, alice.token, id, 'SHUTOFF');
    expect((await act({ unlock: null }, adminToken)).status).toBe(202);
    await nova.expectCall(204, 'DELETE', `/servers/${id}`, { token: alice.token });
  });
});
