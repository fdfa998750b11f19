import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig, type Config } from '../../server/config/env';
import type { DashboardMode } from '../../server/http/dashboard';
import { randomToken } from '../../server/lib/ids';
import { logger } from '../../server/lib/logger';
import { startControlPlane, type ControlPlane } from '../../server/main';
import type { Cleanup } from './cleanup';
import { benchDatabase } from './database';

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

export type BenchStack = {
  cp: ControlPlane;
  url: string;
  port: number;
  config: Config;
  adminPassword: string;
  databaseUrl: string;
  /** How the database was obtained, for the report. */
  database: string;
  stateDir: string;
  /** How long startControlPlane took. */
  startMs: number;
};

/**
 * The control plane as `npm start` starts it (NODE_ENV=production, defaults for every setting that shapes
 * performance unless `env` overrides it) on a throwaway database and state directory, both removed by `cleanup`
 * (as is the control plane, closed first).
 */
export async function startBenchStack(
  cleanup: Cleanup,
  opts: { pg?: string; embedded?: boolean; env?: Record<string, string>; dashboard?: DashboardMode; stateDir?: string },
): Promise<BenchStack> {
  const stateDir = opts.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-bench-'));
  cleanup.add('removing the state directory', () => fs.rmSync(stateDir, { recursive: true, force: true }));
  const db = await benchDatabase({ server: opts.pg, embedded: opts.embedded, stateDir, cleanup });
  const port = await freePort();
  const adminPassword = randomToken(12);
  const config = loadConfig({
    STATE_DIR: stateDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ...opts.env,
  });
  // what an entry point does (server/start.ts): the level is config's, for the agents started beside it too
  logger.level = config.LOG_LEVEL;
  const started = performance.now();
  const cp = await startControlPlane({ config, databaseUrl: db.url, dashboard: opts.dashboard });
  cleanup.add('closing the control plane', async () => {
    await cp.close();
    // A request whose client was killed (Ctrl-C) may still be running its handler; once the database is gone it would
    // log an error about a request nobody waits for.
    logger.level = 'fatal';
  });
  return {
    cp,
    url: cp.url,
    port,
    config,
    adminPassword,
    databaseUrl: db.url,
    database: db.describe,
    stateDir,
    startMs: performance.now() - started,
  };
}

/** A project-scoped token for the bootstrap admin (one password check), and the admin project's id. */
export async function adminToken(
  stack: Pick<BenchStack, 'url' | 'adminPassword'>,
): Promise<{ token: string; projectId: string }> {
  const res = await fetch(`${stack.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { name: 'Default' }, password: stack.adminPassword } },
        },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    }),
  });
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 || !token) throw new Error(`token issue failed: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: { project: { id: string } } };
  return { token, projectId: body.token.project.id };
}
