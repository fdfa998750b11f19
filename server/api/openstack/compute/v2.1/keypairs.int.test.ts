import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../../../db/client';
import { quotaRepository } from '../../../../quota/quota.repository';
import { computeClient } from '../../../../../tests/helpers/compute-client';
import { onFileEnd } from '../../../../../tests/helpers/file-cleanup';
import { identityClient, suffix, type Actor } from '../../../../../tests/helpers/identity-client';
import { startTestStack } from '../../../../../tests/helpers/stack';

// made with ssh-keygen; the fingerprint is what `ssh-keygen -l -E md5` prints for it
const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGGV2GiGayUf+aPEPmnPqNaQh6eOV7jxRW32TG/gN/ut me@test';
const ED25519_MD5 = '5f:f2:2e:36:1f:21:ee:97:42:7b:0e:3a:69:45:c0:18';
// made with openssl; the fingerprint is `openssl x509 -fingerprint -sha1`, in lower case
const CERT = `-----BEGIN CERTIFICATE-----
MIIBgTCCASegAwIBAgIUDNDIuy1F4paIt6kdVbKBnQhC8yYwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLY3VtdWxvLXRlc3QwHhcNMjYxMjAyMTgxNjU2WhcNMzYxMTI5
MTgxNjU2WjAWMRQwEgYDVQQDDAtjdW11bG8tdGVzdDBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABF5WJmpEjejeJyQK9+AWPMInS8YnoeeQi8h1+bk9d41+061pPpVT
8BT2cOnB4At0Sf2GNvh0CRB2SxD2SFluByKjUzBRMB0GA1UdDgQWBBSWOoOl55Ak
HIBhGrgsGtNDopsOSDAfBgNVHSMEGDAWgBSWOoOl55AkHIBhGrgsGtNDopsOSDAP
BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDCKvFgHNQwtJcYA547
KsZV4Vxa9wCj62gulztTUeKr6wIgCSismzdUv9wSQxbKY4C3NdjyhlQSC6ALBQw8
+aE59ZA=
-----END CERTIFICATE-----
`;
const CERT_SHA1 = 'ec:22:a3:95:41:c7:7f:a7:a1:f9:12:1b:b9:b9:f2:95:b8:52:a7:2d';

describe.concurrent('Nova key pairs API', async () => {
  const stack = await startTestStack();
  const ks = identityClient(stack);
  const nova = computeClient(stack);
  let admin: string;
  let alice: Actor;
  let bob: Actor;

  beforeAll(async () => {
    admin = await ks.admin();
    ({ alice, bob } = await ks.twoProjects());
  });

  const names = async (token: string, query = '', version = '2.2') =>
    (
      (await nova.expectCall(200, 'GET', `/os-keypairs${query}`, { token, version })).body.keypairs as {
        keypair: { name: string };
      }[]
    ).map((k) => k.keypair.name);

  it('generates an RSA key pair at 2.1: 200, the private key once, an OpenSSH public key, no type', async () => {
    const name = `gen-${suffix()}`;
    const r = await nova.expectCall(200, 'POST', '/os-keypairs', { token: alice.token, body: { keypair: { name } } });
    const k = r.body.keypair;
    expect(Object.keys(k).sort()).toEqual(['fingerprint', 'name', 'private_key', 'public_key', 'user_id']);
    expect(k).toMatchObject({ name, user_id: alice.id });
    expect(k.private_key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(k.public_key).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E\S+ Generated-by-Nova$/);
    const blob = Buffer.from(k.public_key.split(' ')[1], 'base64');
    expect(k.fingerprint).toBe(
      createHash('md5')
        .update(blob)
        .digest('hex')
        .replace(/(..)(?!$)/g, '$1:'),
    );
    const jwk = createPublicKey(k.private_key).export({ format: 'jwk' }) as { n: string };
    expect(Buffer.from(jwk.n, 'base64url').length).toBe(256);

    const shown = await nova.expectCall(200, 'GET', `/os-keypairs/${name}`, { token: alice.token });
    expect(shown.body.keypair).toEqual({
      id: expect.any(Number),
      name,
      public_key: k.public_key,
      fingerprint: k.fingerprint,
      user_id: alice.id,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/),
      updated_at: null,
      deleted: false,
      deleted_at: null,
    });
    expect(shown.body.keypair).not.toHaveProperty('private_key');
    expect((await nova.call('DELETE', `/os-keypairs/${name}`, { token: alice.token })).status).toBe(202);
  });

  it("imports an SSH key at 2.2: 201 with type ssh and ssh-keygen's fingerprint; lists, shows, deletes with 204", async () => {
    const k = await nova.createKeypair(alice.token, `imp-${suffix()}`, ED25519);
    expect(k).toEqual({ name: k.name, public_key: ED25519, fingerprint: ED25519_MD5, user_id: alice.id, type: 'ssh' });
    const list = await nova.expectCall(200, 'GET', '/os-keypairs', { token: alice.token, version: '2.2' });
    expect(list.body.keypairs).toContainEqual({
      keypair: { name: k.name, public_key: ED25519, fingerprint: ED25519_MD5, type: 'ssh' },
    });
    const at21 = await nova.expectCall(200, 'GET', '/os-keypairs', { token: alice.token });
    expect(at21.body.keypairs).toContainEqual({
      keypair: { name: k.name, public_key: ED25519, fingerprint: ED25519_MD5 },
    });
    expect(
      (await nova.expectCall(200, 'GET', `/os-keypairs/${k.name}`, { token: alice.token, version: '2.2' })).body.keypair
        .type,
    ).toBe('ssh');

    const del = await nova.call('DELETE', `/os-keypairs/${k.name}`, { token: alice.token, version: '2.2' });
    expect(del.status).toBe(204);
    const gone = await nova.call('GET', `/os-keypairs/${k.name}`, { token: alice.token });
    expect(gone.status).toBe(404);
    expect(gone.body.itemNotFound.message).toBe(`Keypair ${k.name} not found for user ${alice.id}`);
    expect((await nova.call('DELETE', `/os-keypairs/${k.name}`, { token: alice.token })).status).toBe(404);
  });

  it('imports an x509 certificate with type x509, fingerprinted as SHA-1 of its DER', async () => {
    const name = `x509-${suffix()}`;
    const r = await nova.expectCall(201, 'POST', '/os-keypairs', {
      token: alice.token,
      version: '2.2',
      body: { keypair: { name, type: 'x509', public_key: CERT } },
    });
    expect(r.body.keypair).toMatchObject({ name, type: 'x509', fingerprint: CERT_SHA1 });
    const notCert = await nova.call('POST', '/os-keypairs', {
      token: alice.token,
      version: '2.2',
      body: { keypair: { name: `x-${suffix()}`, type: 'x509', public_key: ED25519 } },
    });
    expect(notCert.status).toBe(400);
  });

  it('generates an x509 key pair: a self-signed certificate for the user and its private key', async () => {
    const r = await nova.expectCall(201, 'POST', '/os-keypairs', {
      token: alice.token,
      version: '2.2',
      body: { keypair: { name: `gx-${suffix()}`, type: 'x509' } },
    });
    const k = r.body.keypair;
    const cert = new X509Certificate(k.public_key);
    expect(cert.subject).toBe(`CN=${alice.id}`);
    expect(cert.checkPrivateKey(createPrivateKey(k.private_key))).toBe(true);
    expect(k.fingerprint).toBe(
      createHash('sha1')
        .update(cert.raw)
        .digest('hex')
        .replace(/(..)(?!$)/g, '$1:'),
    );
    expect(k.type).toBe('x509');
  });

  it.each([
    ['an unsafe character', { name: 'a/b' }, '2.1'],
    ['an empty name', { name: '' }, '2.1'],
    ['a blank name', { name: '   ' }, '2.1'],
    ['a leading space', { name: ' k' }, '2.1'],
    ['a 256-character name', { name: 'k'.repeat(256) }, '2.1'],
    ['no name', {}, '2.1'],
    ['a public key that does not parse', { name: 'k', public_key: 'ssh-rsa not-a-key' }, '2.1'],
    ['a private key as public key', { name: 'k', public_key: '-----BEGIN RSA PRIVATE KEY-----\nabc\n' }, '2.1'],
    ['a type before 2.2', { name: 'k', type: 'ssh' }, '2.1'],
    ['an unknown type', { name: 'k', type: 'pgp' }, '2.2'],
    ['a user_id before 2.10', { name: 'k', user_id: 'x' }, '2.2'],
    ['an unknown property', { name: 'k', colour: 'red' }, '2.90'],
  ])('refuses a key pair with %s: 400', async (_what, keypair, version) => {
    const r = await nova.call('POST', '/os-keypairs', { token: alice.token, version, body: { keypair } });
    expect(r.status).toBe(400);
    expect(r.body.badRequest.code).toBe(400);
  });

  it('takes names with spaces, dots, dashes, underscores and @', async () => {
    const name = `me@host key_1.2-${suffix()}`;
    await nova.createKeypair(alice.token, name, ED25519);
    const shown = await nova.expectCall(200, 'GET', `/os-keypairs/${encodeURIComponent(name)}`, { token: alice.token });
    expect(shown.body.keypair.name).toBe(name);
  });

  it('refuses a duplicate name for the same user with 409, but another user may reuse it', async () => {
    const name = `dup-${suffix()}`;
    await nova.createKeypair(alice.token, name, ED25519);
    const again = await nova.call('POST', '/os-keypairs', {
      token: alice.token,
      body: { keypair: { name, public_key: ED25519 } },
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ conflictingRequest: { code: 409, message: `Key pair '${name}' already exists.` } });
    expect((await nova.createKeypair(bob.token, name, ED25519)).user_id).toBe(bob.id);
  });

  it('keeps key pairs to their user: another user neither lists, shows nor deletes them (404)', async () => {
    const k = await nova.createKeypair(alice.token, `own-${suffix()}`, ED25519);
    expect(await names(alice.token)).toContain(k.name);
    expect(await names(bob.token)).not.toContain(k.name);
    expect((await nova.call('GET', `/os-keypairs/${k.name}`, { token: bob.token })).status).toBe(404);
    expect((await nova.call('DELETE', `/os-keypairs/${k.name}`, { token: bob.token })).status).toBe(404);
    expect((await nova.call('GET', `/os-keypairs/${k.name}`, { token: alice.token })).status).toBe(200);
    // naming the other user is for admins (2.10): 403 for bob, allowed for the admin
    for (const [method, path] of [
      ['GET', `/os-keypairs?user_id=${alice.id}`],
      ['GET', `/os-keypairs/${k.name}?user_id=${alice.id}`],
      ['DELETE', `/os-keypairs/${k.name}?user_id=${alice.id}`],
    ] as const) {
      const r = await nova.call(method, path, { token: bob.token, version: '2.10' });
      expect({ method, path, status: r.status }).toEqual({ method, path, status: 403 });
    }
    const forbidden = await nova.call('POST', '/os-keypairs', {
      token: bob.token,
      version: '2.10',
      body: { keypair: { name: `for-${suffix()}`, public_key: ED25519, user_id: alice.id } },
    });
    expect(forbidden.status).toBe(403);
    expect(await names(admin, `?user_id=${alice.id}`, '2.10')).toContain(k.name);
    // before 2.10 the parameter is not read: the admin sees its own
    expect(await names(admin, `?user_id=${alice.id}`, '2.9')).not.toContain(k.name);
    const shown = await nova.expectCall(200, 'GET', `/os-keypairs/${k.name}?user_id=${alice.id}`, {
      token: admin,
      version: '2.10',
    });
    expect(shown.body.keypair.user_id).toBe(alice.id);
  });

  it('lets an admin create and delete a key pair for another user (2.10)', async () => {
    const name = `byadmin-${suffix()}`;
    const r = await nova.expectCall(201, 'POST', '/os-keypairs', {
      token: admin,
      version: '2.10',
      body: { keypair: { name, public_key: ED25519, user_id: bob.id } },
    });
    expect(r.body.keypair.user_id).toBe(bob.id);
    expect(await names(bob.token)).toContain(name);
    expect(
      (await nova.call('DELETE', `/os-keypairs/${name}?user_id=${bob.id}`, { token: admin, version: '2.10' })).status,
    ).toBe(204);
    expect(await names(bob.token)).not.toContain(name);
  });

  it('pages by name with limit and marker from 2.35, linking the next page', async () => {
    const carol = await ks.userOnProject('member', 'carol');
    const made = ['b', 'a', 'c'].map((p) => `${p}-${suffix()}`);
    for (const n of made) await nova.createKeypair(carol.token, n, ED25519);
    const sorted = [...made].sort();
    expect(await names(carol.token)).toEqual(sorted);
    const first = await nova.expectCall(200, 'GET', '/os-keypairs?limit=2', { token: carol.token, version: '2.35' });
    expect(first.body.keypairs.map((k: { keypair: { name: string } }) => k.keypair.name)).toEqual(sorted.slice(0, 2));
    const [link] = first.body.keypairs_links;
    expect(link).toEqual({ rel: 'next', href: `${nova.base}/os-keypairs?limit=2&marker=${sorted[1]}` });
    const rest = await nova.expectCall(200, 'GET', link.href, { token: carol.token, version: '2.35' });
    expect(rest.body.keypairs.map((k: { keypair: { name: string } }) => k.keypair.name)).toEqual(sorted.slice(2));
    expect(rest.body).not.toHaveProperty('keypairs_links');
    // before 2.35 paging parameters are not read
    expect(await names(carol.token, '?limit=1', '2.34')).toEqual(sorted);
    const bad = await nova.call('GET', '/os-keypairs?marker=nope', { token: carol.token, version: '2.35' });
    expect(bad.status).toBe(400);
    expect(bad.body.badRequest.message).toBe('Marker nope could not be found.');
    expect((await nova.call('GET', '/os-keypairs?limit=x', { token: carol.token, version: '2.35' })).status).toBe(400);
  });

  it('counts key pairs per user against the key_pairs quota: over it is 403', async () => {
    const dave = await ks.userOnProject('member', 'dave');
    const db = createDb(stack.databaseUrl, { poolSize: 1 });
    onFileEnd(() => db.$disconnect());
    await quotaRepository.upsertLimits(db, dave.projectId, { key_pairs: 2 });
    await nova.createKeypair(dave.token, `q1-${suffix()}`, ED25519);
    await nova.createKeypair(dave.token, `q2-${suffix()}`, ED25519);
    const over = await nova.call('POST', '/os-keypairs', {
      token: dave.token,
      body: { keypair: { name: `q3-${suffix()}`, public_key: ED25519 } },
    });
    expect(over.status).toBe(403);
    expect(over.body).toEqual({ forbidden: { code: 403, message: 'Quota exceeded, too many key pairs.' } });
  });

  it('takes the last quota slot only once under concurrent creates', async () => {
    const erin = await ks.userOnProject('member', 'erin');
    const db = createDb(stack.databaseUrl, { poolSize: 1 });
    onFileEnd(() => db.$disconnect());
    await quotaRepository.upsertLimits(db, erin.projectId, { key_pairs: 1 });
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        nova.call('POST', '/os-keypairs', {
          token: erin.token,
          body: { keypair: { name: `c-${suffix()}`, public_key: ED25519 } },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 403, 403, 403]);
  });
});
