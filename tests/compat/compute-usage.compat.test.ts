import { describe, it } from 'vitest';
import { createDb } from '../../server/db/client';
import { onFileEnd } from '../helpers/file-cleanup';
import { identityClient } from '../helpers/identity-client';
import { openstack } from '../helpers/openstack-cli';
import { startTestStack } from '../helpers/stack';
import { MEDIUM, seedInstance } from '../helpers/usage-fixtures';

type Row = Record<string, unknown>;

/**
 * The real `openstack usage show` / `usage list` against os-simple-tenant-usage. The instances are written as the
 * lifecycle leaves them, so the hours the CLI prints are exact.
 */
describe('openstack CLI: usage', { timeout: 300_000 }, async () => {
  const stack = await startTestStack();
  const ks = identityClient(stack);
  const db = createDb(stack.databaseUrl, { poolSize: 2 });
  onFileEnd(() => db.$disconnect());

  it('usage show for the own project, refused for another; usage list for the admin', async ({ expect }) => {
    const { alice, bob } = await ks.twoProjects();
    // 48 h of m1.small, and 6 h of m1.medium deleted on the second day
    await seedInstance(db, alice, { launchedAt: new Date('2026-10-01T00:00:00Z') });
    await seedInstance(db, alice, {
      flavor: MEDIUM,
      launchedAt: new Date('2026-10-21T10:00:00Z'),
      terminatedAt: new Date('2026-10-21T16:00:00Z'),
    });
    const period = ['--start', '2026-10-20', '--end', '2026-10-22'];
    const asAlice = { user: alice.name, password: alice.password, project: alice.projectName };
    const shown = await openstack<Row>(stack, ['usage', 'show', '--project', alice.projectId, ...period], asAlice);
    expect(shown).toMatchObject({
      'CPU Hours': 60,
      'RAM MB-Hours': 48 * 2048 + 6 * 4096,
      'Disk GB-Hours': 48 * 20 + 6 * 50,
    });
    // the JSON formatter prints the servers themselves
    expect((shown.Servers as Row[]).map((s) => [s.flavor, s.hours, s.state])).toEqual([
      ['m1.small', 48, 'active'],
      ['m1.medium', 6, 'terminated'],
    ]);

    const asBob = { user: bob.name, password: bob.password, project: bob.projectName };
    await expect(openstack(stack, ['usage', 'show', '--project', alice.projectId, ...period], asBob)).rejects.toThrow(
      /403|not authorized/i,
    );

    const listed = await openstack<Row[]>(stack, ['usage', 'list', ...period]);
    const mine = listed.find((r) => r.Project === alice.projectName || r.Project === alice.projectId);
    expect(mine).toMatchObject({ 'CPU Hours': 60, 'Disk GB-Hours': 1260 });
  });
});
