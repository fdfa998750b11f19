import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config/env';
import type { DashboardMode } from '../../server/http/dashboard';
import type { RealtimeGateway } from '../../server/realtime/gateway';
import { startControlPlane } from '../../server/main';
import { testDatabase } from './db';
import { onFileEnd } from './file-cleanup';

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

export type TestStack = {
  url: string;
  identityUrl: string;
  adminPassword: string;
  databaseUrl: string;
  stateDir: string;
};

/** A started stack, with its socket.io gateway to publish dashboard events from a test. */
export type RunningTestStack = TestStack & { realtime: RealtimeGateway };

/**
 * The control plane as `npm start` runs it, on its own database, port and data directory, stopped when the test
 * file ends. The password hash cost is lowered so tests spend their time on behaviour, not on scrypt.
 * The dashboard is off unless asked for (`{ dashboard: 'prod' }` needs a build: `npx next build web`).
 * `{ join: other }` starts a second API process of the same cloud: other's database and data directory, its own port
 * (as several API processes share one database, or one restarts with a changed setting).
 */
export async function startTestStack(
  env: Record<string, string> = {},
  opts: { dashboard?: DashboardMode; join?: TestStack } = {},
): Promise<RunningTestStack> {
  const databaseUrl = opts.join?.databaseUrl ?? (await testDatabase()).url;
  const port = await freePort();
  const stateDir = opts.join?.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    STATE_DIR: stateDir,
    PORT: String(port),
    ADMIN_PASSWORD: 'admin-secret',
    PASSWORD_HASH_COST: '1024',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const cp = await startControlPlane({ config, databaseUrl, dashboard: opts.dashboard ?? 'off' });
  onFileEnd(async () => {
    await cp.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });
  return { url: cp.url, identityUrl: `${cp.url}/identity/v3`, adminPassword: cp.adminPassword, databaseUrl, stateDir, realtime: cp.realtime };
}
