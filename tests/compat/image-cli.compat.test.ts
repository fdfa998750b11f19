import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';
import { md5, qcow2Bytes, sha512 } from '../../server/api/openstack/image/image.harness';
import { onFileEnd } from '../helpers/file-cleanup';
import { identityClient, suffix } from '../helpers/identity-client';
import { openstack } from '../helpers/openstack-cli';
import { startTestStack } from '../helpers/stack';

/**
 * The real `openstack` CLI (python3-openstackclient, unmodified) against Cumulo's Glance v2 API: what a user types to
 * manage images, and what they would look at afterwards. The tests run concurrently and share only the admin.
 */
type Row = Record<string, unknown>;
type ImageRow = Row & { id: string; name: string; status: string; properties: Record<string, unknown>; tags: string[] };

// Each CLI call starts a Python interpreter (about 1 s of CPU): on a busy 2-core machine a test of a dozen calls
// can take minutes, so the budget is generous; the calls themselves time out after 60 s each.
describe.concurrent('openstack CLI against the image API', { timeout: 300_000 }, async () => {
  const stack = await startTestStack();
  const ks = identityClient(stack);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-image-cli-'));
  onFileEnd(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cli = <T = Row>(args: string[], auth?: Parameters<typeof openstack>[2]) => openstack<T>(stack, args, auth);
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'succeeded',
      (e: Error) => e.message,
    );
  const file = (bytes: Buffer) => {
    const f = path.join(dir, `img-${suffix()}`);
    fs.writeFileSync(f, bytes);
    return f;
  };

  it('image create --file / list / show / save: the saved file is bit-identical', async ({ expect }) => {
    const data = qcow2Bytes(8n * 1024n ** 3n, 2 * 1024 * 1024);
    const name = `img-${suffix()}`;
    const created = await cli<ImageRow>([
      'image',
      'create',
      name,
      '--file',
      file(data),
      '--disk-format',
      'qcow2',
      '--container-format',
      'bare',
      '--private',
      '--min-disk',
      '2',
      '--min-ram',
      '512',
      '--property',
      'os_distro=debian',
      '--tag',
      'base',
    ]);
    // openstackclient prints the record as created, before the upload
    expect(created).toMatchObject({ name, disk_format: 'qcow2', visibility: 'private', min_disk: 2, min_ram: 512 });

    const list = await cli<{ ID: string; Name: string; Status: string }[]>(['image', 'list', '--name', name]);
    expect(list).toEqual([{ ID: created.id, Name: name, Status: 'active' }]);

    const shown = await cli<ImageRow>(['image', 'show', name]);
    expect(shown).toMatchObject({
      id: created.id,
      status: 'active',
      size: data.length,
      checksum: md5(data),
      virtual_size: 8 * 1024 ** 3,
      tags: ['base'],
    });
    // openstackclient prints every attribute outside its fixed list, the secure hash included, under properties
    expect(shown.properties).toMatchObject({
      os_distro: 'debian',
      os_hash_algo: 'sha512',
      os_hash_value: sha512(data),
    });

    const out = path.join(dir, `saved-${suffix()}`);
    await cli(['image', 'save', '--file', out, created.id]);
    expect(sha512(fs.readFileSync(out))).toBe(sha512(data));
  });

  it('image list: tag filter, --limit and --marker pages, --long, --property, --private', async ({ expect }) => {
    const tag = `t-${suffix()}`;
    const made: ImageRow[] = [];
    for (const [i, visibility] of (['--private', '--shared', '--shared'] as const).entries()) {
      const props = ['--property', `os_distro=${i === 0 ? 'debian' : 'fedora'}`];
      // --file always: without it openstackclient reads the image from stdin when stdin is not a terminal
      const data = ['--file', file(randomBytes(64)), '--disk-format', 'raw'];
      made.push(
        await cli<ImageRow>(['image', 'create', `list-${i}-${suffix()}`, '--tag', tag, visibility, ...data, ...props]),
      );
    }
    type ListRow = { ID: string; Name: string };
    const all = await cli<ListRow[]>(['image', 'list', '--tag', tag]);
    expect(all.map((r) => r.ID).sort()).toEqual(made.map((m) => m.id).sort());

    // Glance's order is newest first; openstackclient then sorts each page by name for display
    const first = await cli<ListRow[]>(['image', 'list', '--tag', tag, '--limit', '2']);
    expect(first.map((r) => r.ID).sort()).toEqual([made[1]!.id, made[2]!.id].sort());
    const rest = await cli<ListRow[]>(['image', 'list', '--tag', tag, '--limit', '2', '--marker', made[1]!.id]);
    expect(rest.map((r) => r.ID)).toEqual([made[0]!.id]);

    const long = await cli<Row[]>(['image', 'list', '--tag', tag, '--long', '--property', 'os_distro=debian']);
    expect(long).toEqual([expect.objectContaining({ ID: made[0]!.id, Visibility: 'private', 'Disk Format': 'raw' })]);
    const priv = await cli<ListRow[]>(['image', 'list', '--private']);
    expect(priv.map((r) => r.ID)).toContain(made[0]!.id);
    expect(priv.map((r) => r.ID)).not.toContain(made[1]!.id);
  });

  it('image set / unset: properties, tags, name, min-disk', async ({ expect }) => {
    const name = `img-${suffix()}`;
    const created = await cli<ImageRow>([
      'image',
      'create',
      name,
      '--file',
      file(randomBytes(4096)),
      '--disk-format',
      'raw',
      '--tag',
      'one',
    ]);
    await cli([
      'image',
      'set',
      created.id,
      '--property',
      'hw_disk_bus=scsi',
      '--property',
      'os_version=12',
      '--tag',
      'two',
      '--min-disk',
      '5',
    ]);
    let shown = await cli<ImageRow>(['image', 'show', created.id]);
    expect(shown.properties).toMatchObject({ hw_disk_bus: 'scsi', os_version: '12' });
    expect([...shown.tags].sort()).toEqual(['one', 'two']);
    expect(shown.min_disk).toBe(5);

    await cli(['image', 'unset', created.id, '--property', 'hw_disk_bus', '--tag', 'one']);
    await cli(['image', 'set', created.id, '--name', `${name}-renamed`]);
    shown = await cli<ImageRow>(['image', 'show', created.id]);
    expect(shown.properties).not.toHaveProperty('hw_disk_bus');
    expect(shown.properties).toMatchObject({ os_version: '12' });
    expect(shown.tags).toEqual(['two']);
    expect(shown.name).toBe(`${name}-renamed`);
  });

  it('image add project / member list / set --accept: the member then lists the image', async ({ expect }) => {
    const alice = await ks.userOnProject('member', 'alice');
    const aliceAuth = { user: alice.name, password: alice.password, project: alice.projectName };
    const name = `img-${suffix()}`;
    const created = await cli<ImageRow>([
      'image',
      'create',
      name,
      '--file',
      file(randomBytes(1024)),
      '--disk-format',
      'raw',
      '--shared',
    ]);
    const before = await cli<{ ID: string }[]>(['image', 'list'], aliceAuth);
    expect(before.map((i) => i.ID)).not.toContain(created.id);

    // `image add project` prints a table unless asked for JSON
    const added = JSON.parse(
      await cli<string>(['image', 'add', 'project', created.id, alice.projectId, '-f', 'json']),
    ) as Row;
    expect(added).toMatchObject({ image_id: created.id, member_id: alice.projectId, status: 'pending' });
    const members = await cli<Row[]>(['image', 'member', 'list', created.id]);
    expect(members).toEqual([
      expect.objectContaining({ 'Image ID': created.id, 'Member ID': alice.projectId, Status: 'pending' }),
    ]);

    await cli(['image', 'set', '--accept', created.id], aliceAuth);
    const after = await cli<{ ID: string }[]>(['image', 'list'], aliceAuth);
    expect(after.map((i) => i.ID)).toContain(created.id);

    await cli(['image', 'remove', 'project', created.id, alice.projectId]);
    expect(await cli<Row[]>(['image', 'member', 'list', created.id])).toEqual([]);
    expect(await refusal(cli(['image', 'show', created.id], aliceAuth))).toMatch(/No Image found|not found/i);
  });

  it('image set --deactivate / --activate', async ({ expect }) => {
    const created = await cli<ImageRow>([
      'image',
      'create',
      `img-${suffix()}`,
      '--file',
      file(randomBytes(1024)),
      '--disk-format',
      'raw',
    ]);
    await cli(['image', 'set', '--deactivate', created.id]);
    expect((await cli<ImageRow>(['image', 'show', created.id])).status).toBe('deactivated');
    await cli(['image', 'set', '--activate', created.id]);
    expect((await cli<ImageRow>(['image', 'show', created.id])).status).toBe('active');
  });

  it('image delete: refused while protected, done once unprotected', async ({ expect }) => {
    const name = `img-${suffix()}`;
    const created = await cli<ImageRow>([
      'image',
      'create',
      name,
      '--file',
      file(randomBytes(1024)),
      '--disk-format',
      'raw',
      '--protected',
    ]);
    expect(await refusal(cli(['image', 'delete', created.id]))).toMatch(/protected/);
    expect((await cli<ImageRow>(['image', 'show', created.id])).status).toBe('active');
    await cli(['image', 'set', '--unprotected', created.id]);
    await cli(['image', 'delete', created.id]);
    expect(await refusal(cli(['image', 'show', created.id]))).toMatch(/No Image found|Could not find|not found/i);
  });
});
