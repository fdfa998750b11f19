import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { computeClient } from '../helpers/compute-client';
import { onFileEnd } from '../helpers/file-cleanup';
import { identityClient, suffix } from '../helpers/identity-client';
import { openstack } from '../helpers/openstack-cli';
import { uploadImage, waitForStatus } from '../helpers/server-fixtures';
import { startTestStack } from '../helpers/stack';

/**
 * The real `openstack` CLI (python3-openstackclient, unmodified) against Cumulo's Nova v2.1 servers on the stack's
 * own test-hypervisor host: what a user types to run servers, group them, tag them with properties and lock them.
 * Waits the CLI cannot do itself poll the API directly (a CLI call costs a Python start each).
 */
type Row = Record<string, unknown>;

// each CLI call starts a Python interpreter (about 1 s of CPU): the budget holds on a busy 2-core machine
describe.concurrent(
  'openstack CLI against the compute API: servers, server groups, metadata, locks',
  { timeout: 300_000 },
  async () => {
    const stack = await startTestStack({ COMPUTE_DRIVER: 'test' });
    const ks = identityClient(stack);
    const nova = computeClient(stack);
    const adminToken = await ks.admin();
    const imageId = (await uploadImage(stack, adminToken, { visibility: 'public', bytes: 4096 })).id;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-servers-cli-'));
    onFileEnd(() => fs.rmSync(dir, { recursive: true, force: true }));

    // the helper adds `-f json` to every `show`, which `console log show` does not take: this one runs the CLI itself
    // (asynchronously: the API answering it runs in this process)
    const consoleLog = async (user: { name: string; password: string; projectName: string }, id: string) =>
      (
        await promisify(execFile)('openstack', ['console', 'log', 'show', id], {
          encoding: 'utf8',
          timeout: 60_000,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            OS_AUTH_URL: stack.identityUrl,
            OS_IDENTITY_API_VERSION: '3',
            OS_INTERFACE: 'public',
            OS_REGION_NAME: 'RegionOne',
            OS_AUTH_TYPE: 'password',
            OS_USERNAME: user.name,
            OS_PASSWORD: user.password,
            OS_PROJECT_NAME: user.projectName,
            OS_USER_DOMAIN_NAME: 'Default',
            OS_PROJECT_DOMAIN_NAME: 'Default',
          },
        })
      ).stdout;

    it('server create --min 2 --max 2 --wait, list --long, show, power actions, rebuild, resize, console, events, properties, lock, delete', async ({
      expect,
    }) => {
      const user = await ks.userOnProject('member', 'cli');
      const auth = { user: user.name, password: user.password, project: user.projectName };
      const cli = <T = Row>(args: string[]) => openstack<T>(stack, args, auth);
      const waitFor = (id: string, status: string) => waitForStatus(nova, user.token, id, status, 60_000);

      await cli(['keypair', 'create', 'k1', '--private-key', path.join(dir, 'k1')]);
      const userData = path.join(dir, 'user-data');
      fs.writeFileSync(userData, '#cloud-config\nhostname: cli\n');
      const name = `web-${suffix()}`;
      const created = await cli([
        'server',
        'create',
        name,
        '--image',
        imageId,
        '--flavor',
        'm1.nano',
        '--key-name',
        'k1',
        '--user-data',
        userData,
        '--min',
        '2',
        '--max',
        '2',
        '--wait',
      ]);
      expect(created).toMatchObject({ status: 'ACTIVE', key_name: 'k1' });

      const list = await cli<Row[]>(['server', 'list', '--long']);
      expect(list.map((s) => s.Name).sort()).toEqual([`${name}-1`, `${name}-2`]);
      for (const s of list) expect(s).toMatchObject({ Status: 'ACTIVE', 'Power State': 1, 'Flavor Name': 'm1.nano' });
      const second = list.find((s) => s.Name === `${name}-2`)!.ID as string;
      await waitFor(second, 'ACTIVE');

      const shown = await cli(['server', 'show', `${name}-1`]);
      const id = shown.id as string;
      expect(shown).toMatchObject({ name: `${name}-1`, status: 'ACTIVE', key_name: 'k1', project_id: user.projectId });

      await cli(['server', 'stop', id]);
      await waitFor(id, 'SHUTOFF');
      await cli(['server', 'start', id]);
      await waitFor(id, 'ACTIVE');
      await cli(['server', 'reboot', '--wait', id]);
      await cli(['server', 'pause', id]);
      await waitFor(id, 'PAUSED');
      await cli(['server', 'unpause', id]);
      await waitFor(id, 'ACTIVE');
      await cli(['server', 'suspend', id]);
      await waitFor(id, 'SUSPENDED');
      await cli(['server', 'resume', id]);
      await waitFor(id, 'ACTIVE');
      await cli(['server', 'rebuild', '--image', imageId, '--wait', id]);
      await waitFor(id, 'ACTIVE');

      await cli(['server', 'resize', '--flavor', 'm1.micro', '--wait', id]);
      await waitFor(id, 'VERIFY_RESIZE');
      await cli(['server', 'resize', 'confirm', id]);
      expect((await waitFor(id, 'ACTIVE')).flavor.original_name).toBe('m1.micro');
      await cli(['server', 'resize', '--flavor', 'm1.tiny', '--wait', id]);
      await waitFor(id, 'VERIFY_RESIZE');
      await cli(['server', 'resize', 'revert', id]);
      expect((await waitFor(id, 'ACTIVE')).flavor.original_name).toBe('m1.micro');

      const console = await consoleLog(user, id);
      expect(console).toContain(id);
      const events = await cli<Row[]>(['server', 'event', 'list', id]);
      expect(events.map((e) => e.Action)).toEqual(
        expect.arrayContaining([
          'create',
          'stop',
          'start',
          'reboot',
          'pause',
          'unpause',
          'suspend',
          'resume',
          'rebuild',
          'resize',
          'confirmResize',
          'revertResize',
        ]),
      );

      await cli(['server', 'set', '--property', 'role=web', '--property', 'tier=front', id]);
      await cli(['server', 'unset', '--property', 'tier', id]);
      const withProps = await cli(['server', 'show', id]);
      expect(withProps.properties).toEqual({ role: 'web' });

      await cli(['--os-compute-api-version', '2.73', 'server', 'lock', '--reason', 'maintenance', id]);
      const refused = await cli(['server', 'stop', id]).then(
        () => 'succeeded',
        (e: Error) => e.message,
      );
      expect(refused).toMatch(/is locked/);
      expect((await cli(['--os-compute-api-version', '2.9', 'server', 'show', id])).locked).toBe(true);
      await cli(['server', 'unlock', id]);
      expect((await cli(['--os-compute-api-version', '2.9', 'server', 'show', id])).locked).toBe(false);

      await cli(['server', 'delete', '--wait', id, second]);
      expect(await cli<Row[]>(['server', 'list'])).toEqual([]);
    });

    it('server group create --policy anti-affinity / list / delete, server create --hint group=, limits show --absolute', async ({
      expect,
    }) => {
      const user = await ks.userOnProject('member', 'grp');
      const auth = { user: user.name, password: user.password, project: user.projectName };
      const cli = <T = Row>(args: string[]) => openstack<T>(stack, args, auth);

      const name = `g-${suffix()}`;
      const group = await cli(['server', 'group', 'create', '--policy', 'anti-affinity', name]);
      expect(group).toMatchObject({ name, policy: 'anti-affinity' });
      const modern = await cli([
        '--os-compute-api-version',
        '2.64',
        'server',
        'group',
        'create',
        '--policy',
        'affinity',
        `${name}-2`,
      ]);
      expect(modern).toMatchObject({ name: `${name}-2`, policy: 'affinity' });
      const groups = await cli<Row[]>(['server', 'group', 'list']);
      expect(groups.map((g) => g.Name).sort()).toEqual([name, `${name}-2`]);

      const server = await cli([
        'server',
        'create',
        `member-${suffix()}`,
        '--image',
        imageId,
        '--flavor',
        'm1.nano',
        '--hint',
        `group=${group.id as string}`,
        '--wait',
      ]);
      const shownGroup = await cli(['server', 'group', 'show', name]);
      expect(shownGroup.members).toEqual([server.id]);

      const limits = await cli<{ Name: string; Value: number }[]>(['limits', 'show', '--absolute']);
      expect(limits).toEqual(
        expect.arrayContaining([
          { Name: 'totalInstancesUsed', Value: 1 },
          { Name: 'totalServerGroupsUsed', Value: 2 },
          { Name: 'maxServerGroups', Value: 10 },
        ]),
      );

      await cli(['server', 'delete', '--wait', server.id as string]);
      await cli(['server', 'group', 'delete', name, `${name}-2`]);
      expect(await cli<Row[]>(['server', 'group', 'list'])).toEqual([]);
    });
  },
);
