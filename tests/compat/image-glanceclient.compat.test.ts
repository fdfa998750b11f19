import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';
import { sha512 } from '../../server/api/openstack/image/image.harness';
import { onFileEnd } from '../helpers/file-cleanup';
import { suffix } from '../helpers/identity-client';
import { startTestStack, type TestStack } from '../helpers/stack';

/** Runs Debian's `glance` CLI (python3-glanceclient, which reads the image schema first) as the bootstrap admin. */
function glance(stack: TestStack, args: string[]): Promise<string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OS_') && v !== undefined) env[k] = v;
  Object.assign(env, {
    OS_AUTH_URL: stack.identityUrl,
    OS_IDENTITY_API_VERSION: '3',
    OS_IMAGE_API_VERSION: '2',
    OS_USERNAME: 'admin',
    OS_PASSWORD: stack.adminPassword,
    OS_PROJECT_NAME: 'admin',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_INTERFACE: 'public',
  });
  return new Promise((resolve, reject) => {
    execFile('glance', args, { env, timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`glance ${args.join(' ')} failed: ${stderr.trim() || stdout.trim()}`)) : resolve(stdout),
    );
  });
}

/** The value of one field in glanceclient's `| field | value |` table. */
const field = (table: string, name: string) =>
  table
    .split('\n')
    .map((l) => l.split('|').map((c) => c.trim()))
    .find((cells) => cells[1] === name)?.[2];

describe('glance CLI (python3-glanceclient) against the image API', { timeout: 120_000 }, async () => {
  const stack = await startTestStack();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-glance-cli-'));
  onFileEnd(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('image-create --file / image-show / image-update / image-download / image-delete', async ({ expect }) => {
    const data = randomBytes(200_000);
    const src = path.join(dir, 'src');
    fs.writeFileSync(src, data);
    const name = `g-${suffix()}`;
    const created = await glance(stack, [
      'image-create',
      '--name',
      name,
      '--disk-format',
      'raw',
      '--container-format',
      'bare',
      '--file',
      src,
    ]);
    const id = field(created, 'id')!;
    expect(field(created, 'status')).toBe('active');
    // the table wraps the 128 hex digits over several lines; the first line starts the digest
    const hashStart = field(created, 'os_hash_value') ?? '';
    expect(hashStart.length).toBeGreaterThan(16);
    expect(sha512(data).startsWith(hashStart)).toBe(true);
    expect(field(created, 'size')).toBe(String(data.length));

    await glance(stack, ['image-update', id, '--property', 'os_distro=debian']);
    expect(field(await glance(stack, ['image-show', id]), 'os_distro')).toBe('debian');
    expect(await glance(stack, ['image-list'])).toContain(id);

    const out = path.join(dir, 'out');
    await glance(stack, ['image-download', '--file', out, id]);
    expect(sha512(fs.readFileSync(out))).toBe(sha512(data));

    await glance(stack, ['image-delete', id]);
    expect(await glance(stack, ['image-list'])).not.toContain(id);
  });
});
