import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../../tests/helpers/db';
import { migrate } from './migrate';

describe('database migrations', () => {
  it('creates every table of the schema, and a second run applies nothing', async () => {
    const { url, db } = await testDatabase();
    expect(await migrate(url)).toEqual([]);
    const tables = await db.$queryRaw<{ tablename: string }[]>`SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = 'public'`;
    expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(['Domain', 'Project', 'User', 'RoleAssignment', 'QuotaUsage']));
  });

  it('has a migration for every change in schema.prisma', () => {
    // exit code 2 = the snapshot the last migration was generated from differs from schema.prisma
    const run = () =>
      execFileSync(process.execPath, ['scripts/prisma.mjs', 'migrate', 'diff', '--from-schema-datamodel', 'prisma/migrations/schema.snapshot.prisma', '--to-schema-datamodel', 'prisma/schema.prisma', '--exit-code'], { stdio: 'pipe' });
    expect(run).not.toThrow();
  });
});
