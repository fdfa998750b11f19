import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';
import { onFileEnd } from '../helpers/file-cleanup';
import { identityClient, suffix } from '../helpers/identity-client';
import { openstack } from '../helpers/openstack-cli';
import { startTestStack } from '../helpers/stack';

/**
 * The real `openstack` CLI (python3-openstackclient, unmodified) against Cumulo's Nova v2.1 API: flavors and key
 * pairs as an operator and a user manage them. The tests run concurrently and share only the admin.
 */
type Row = Record<string, unknown>;

// each CLI call starts a Python interpreter (about 1 s of CPU): the budget holds on a busy 2-core machine
describe.concurrent('openstack CLI against the compute API: flavors and key pairs', { timeout: 300_000 }, async () => {
  const stack = await startTestStack();
  const ks = identityClient(stack);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-compute-cli-'));
  onFileEnd(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cli = <T = Row>(args: string[], auth?: Parameters<typeof openstack>[2]) => openstack<T>(stack, args, auth);
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'succeeded',
      (e: Error) => e.message,
    );

  it('flavor create / show / set --property --description / unset / list / delete', async ({ expect }) => {
    const name = `f-${suffix()}`;
    const created = await cli([
      'flavor',
      'create',
      name,
      '--ram',
      '512',
      '--vcpus',
      '2',
      '--disk',
      '10',
      '--ephemeral',
      '1',
      '--swap',
      '64',
      '--property',
      'hw:cpu_policy=shared',
    ]);
    expect(created).toMatchObject({ name, ram: 512, vcpus: 2, disk: 10, swap: 64, 'OS-FLV-EXT-DATA:ephemeral': 1 });
    expect(created.properties).toEqual({ 'hw:cpu_policy': 'shared' });
    const id = created.id as string;

    await cli([
      '--os-compute-api-version',
      '2.55',
      'flavor',
      'set',
      name,
      '--property',
      'hw:mem_page_size=large',
      '--description',
      'for tests',
    ]);
    const shown = await cli(['--os-compute-api-version', '2.61', 'flavor', 'show', name]);
    expect(shown).toMatchObject({ id, name, description: 'for tests', 'os-flavor-access:is_public': true });
    expect(shown.properties).toEqual({ 'hw:cpu_policy': 'shared', 'hw:mem_page_size': 'large' });

    await cli(['flavor', 'unset', id, '--property', 'hw:cpu_policy']);
    const after = await cli(['flavor', 'show', id]);
    expect(after.properties).toEqual({ 'hw:mem_page_size': 'large' });

    const list = await cli<Row[]>(['flavor', 'list', '--long']);
    expect(list).toContainEqual(
      expect.objectContaining({ ID: id, Name: name, RAM: 512, VCPUs: 2, Disk: 10, 'Is Public': true }),
    );

    await cli(['flavor', 'delete', id]);
    expect(await refusal(cli(['flavor', 'show', id]))).toMatch(/No Flavor found|could not be found/i);
  });

  it('flavor create --private --project: only that project and admins with --all see it', async ({ expect }) => {
    const alice = await ks.userOnProject('member', 'alice');
    const aliceAuth = { user: alice.name, password: alice.password, project: alice.projectName };
    const name = `priv-${suffix()}`;
    const created = await cli([
      'flavor',
      'create',
      name,
      '--ram',
      '256',
      '--disk',
      '1',
      '--private',
      '--project',
      alice.projectId,
    ]);
    expect(created).toMatchObject({ name, 'os-flavor-access:is_public': false });

    const plain = await cli<Row[]>(['flavor', 'list']);
    expect(plain.map((r) => r.Name)).not.toContain(name);
    const all = await cli<Row[]>(['flavor', 'list', '--all']);
    expect(all.map((r) => r.Name)).toContain(name);
    const shown = await cli(['flavor', 'show', name]);
    expect(shown.access_project_ids).toEqual([alice.projectId]);

    const mine = await cli<Row[]>(['flavor', 'list'], aliceAuth);
    expect(mine.map((r) => r.Name)).toContain(name);
    // a member may not manage flavors
    expect(await refusal(cli(['flavor', 'delete', name], aliceAuth))).toMatch(/403|not authorized|Failed to delete/i);
    await cli(['flavor', 'delete', name]);
  });

  it('keypair create prints a generated private key, or saves it with --private-key', async ({ expect }) => {
    const name = `gen-${suffix()}`;
    const printed = await cli<string>(['keypair', 'create', name, '-f', 'value']);
    expect(printed).toMatch(/^-----BEGIN RSA PRIVATE KEY-----[\s\S]+-----END RSA PRIVATE KEY-----/);

    const saved = `saved-${suffix()}`;
    const file = path.join(dir, `${saved}.pem`);
    const created = await cli(['keypair', 'create', saved, '--private-key', file]);
    expect(created).toMatchObject({ name: saved, type: 'ssh' });
    expect(created).not.toHaveProperty('private_key');
    fs.chmodSync(file, 0o600);
    // ssh-keygen derives the same public key from the saved private key
    const derived = execFileSync('ssh-keygen', ['-y', '-f', file]).toString().trim().split(' ').slice(0, 2).join(' ');
    const pub = await cli<string>(['keypair', 'show', saved, '--public-key', '-f', 'value']);
    expect(pub.split(' ').slice(0, 2).join(' ')).toBe(derived);
  });

  it('keypair create --public-key / list / show / delete', async ({ expect }) => {
    const keyFile = path.join(dir, `id-${suffix()}`);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@test', '-f', keyFile]);
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', `${keyFile}.pub`])
      .toString()
      .split(' ')[1]!
      .replace(/^MD5:/, '');
    const name = `imp-${suffix()}`;
    const created = await cli(['keypair', 'create', name, '--public-key', `${keyFile}.pub`]);
    expect(created).toMatchObject({ name, fingerprint, type: 'ssh' });

    const list = await cli<Row[]>(['keypair', 'list']);
    expect(list).toContainEqual(expect.objectContaining({ Name: name, Fingerprint: fingerprint }));
    const shown = await cli(['keypair', 'show', name]);
    expect(shown).toMatchObject({ name, fingerprint, user_id: expect.any(String) });

    await cli(['keypair', 'delete', name]);
    expect(await refusal(cli(['keypair', 'show', name]))).toMatch(/No keypair|not found|could not be found/i);
  });
});
