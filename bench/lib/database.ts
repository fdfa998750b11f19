import fs from 'node:fs';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../server/db/embedded-postgres';
import { migrate } from '../../server/db/migrate';
import { randomToken } from '../../server/lib/ids';
import type { Cleanup } from './cleanup';

/** The machine's PostgreSQL, as the tests use it. */
export const MACHINE_PG = 'postgresql://postgres@127.0.0.1:5432';

export type BenchDatabase = { url: string; describe: string };

const redact = (url: string) => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString().replace(/\/$/, '');
};

const withDb = (url: string, dbName: string) => {
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
};

async function reachable(serverUrl: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: withDb(serverUrl, 'postgres'), connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function admin(serverUrl: string, sql: string) {
  const c = new pg.Client({ connectionString: withDb(serverUrl, 'postgres'), connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * A migrated, empty database for one benchmark run, removed by `cleanup`:
 * - `server` given (or BENCH_PG_URL / DATABASE_URL set): a throwaway `cumulo_bench_<rand>` on that server;
 * - otherwise the machine's PostgreSQL at 127.0.0.1:5432 when it answers, the same way;
 * - otherwise (or with `embedded`) the embedded PostgreSQL `npm start` uses, in `stateDir`, stopped afterwards.
 */
export async function benchDatabase(opts: {
  server?: string;
  embedded?: boolean;
  stateDir: string;
  cleanup: Cleanup;
}): Promise<BenchDatabase> {
  const explicit = opts.server ?? process.env.BENCH_PG_URL ?? process.env.DATABASE_URL;
  const server = opts.embedded ? undefined : (explicit ?? ((await reachable(MACHINE_PG)) ? MACHINE_PG : undefined));
  if (server) {
    const name = `cumulo_bench_${randomToken(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`;
    await admin(server, `CREATE DATABASE ${name}`);
    opts.cleanup.add(`dropping database ${name}`, () => admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const url = withDb(server, name);
    await migrate(url);
    const whose = explicit
      ? opts.server
        ? '--pg'
        : process.env.BENCH_PG_URL
          ? 'BENCH_PG_URL'
          : 'DATABASE_URL'
      : "the machine's PostgreSQL";
    return { url, describe: `throwaway database ${name} on ${redact(server)} (${whose}), dropped afterwards` };
  }
  // Run as root, PostgreSQL runs as its own account, which must reach the data directory.
  fs.chmodSync(opts.stateDir, 0o755);
  const requested = `${opts.stateDir}/postgres`;
  const pgServer = await startEmbeddedPostgres({ dataDir: requested });
  opts.cleanup.add('stopping the embedded PostgreSQL', async () => {
    await pgServer.stop();
    if (pgServer.dataDir !== requested) fs.rmSync(pgServer.dataDir, { recursive: true, force: true });
  });
  await migrate(pgServer.url);
  const version = await (async () => {
    const c = new pg.Client({ connectionString: pgServer.url });
    await c.connect();
    try {
      return (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v;
    } finally {
      await c.end();
    }
  })();
  return {
    url: pgServer.url,
    describe: `embedded PostgreSQL ${version ?? '(version unknown)'} on 127.0.0.1:${pgServer.port} (a fresh cluster, removed afterwards)`,
  };
}
