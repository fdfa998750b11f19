import { createHash } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../server/db/client';
import { listMigrations, migrate } from '../../server/db/migrate';
import { randomToken } from '../../server/lib/ids';
import { onFileEnd } from './file-cleanup';

/** The PostgreSQL server tests use: the machine's own (CI starts it), never the embedded one. */
export const TEST_PG = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';

const urlFor = (db: string) => `${TEST_PG}/${db}`;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: urlFor('postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A migrated template named after the migrations' content, so a schema change makes a new one. */
export async function ensureTemplate(): Promise<string> {
  const hash = createHash('sha256');
  for (const m of listMigrations()) hash.update(m.name).update(m.sql);
  const name = `cumulo_tpl_${hash.digest('hex').slice(0, 12)}`;
  await admin(async (c) => {
    await c.query('SELECT pg_advisory_lock(7310403)');
    try {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount) return;
      await c.query(`CREATE DATABASE ${name}`);
      await migrate(urlFor(name));
      await c.query(`ALTER DATABASE ${name} WITH is_template true`);
    } finally {
      await c.query('SELECT pg_advisory_unlock(7310403)');
    }
  });
  return name;
}

/**
 * A fresh, migrated database for one test file (copied from the template, so it takes milliseconds),
 * dropped when the file ends. Files therefore run in parallel without seeing each other's rows.
 */
export async function testDatabase(): Promise<{ url: string; db: Db }> {
  const template = await ensureTemplate();
  const name = `cumulo_t_${randomToken(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = urlFor(name);
  const db = createDb(url, { poolSize: 5 });
  onFileEnd(async () => {
    await db.$disconnect();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
  return { url, db };
}
