import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testDatabase } from './db';
import { onFileEnd } from './file-cleanup';
import { waitUntil } from './identity-client';
import { freePort, type TestStack } from './stack';

const ROOT = path.resolve(import.meta.dirname, '../..');

export type ControlPlaneProcess = TestStack & {
  /** SIGTERM, as an operator's restart does, then the same command again on the same port, database and data. */
  restart(): Promise<void>;
  output(): string;
};

/**
 * `npm start`'s entry point (server/start.ts) as its own process on a test database, so that a restart is what it is
 * in production: the process ends and a new one starts. Killed at the file's end if still running.
 */
export async function startControlPlaneProcess(env: Record<string, string> = {}): Promise<ControlPlaneProcess> {
  const { url: databaseUrl } = await testDatabase();
  const port = await freePort();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-test-'));
  const url = `http://127.0.0.1:${port}`;
  const adminPassword = 'admin-secret';
  let out = '';
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();

  async function start() {
    child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: databaseUrl,
        STATE_DIR: stateDir,
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_PASSWORD: adminPassword,
        PASSWORD_HASH_COST: '1024',
        DEFAULT_IMAGE: 'none',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const c = child;
    c.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    c.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    exited = new Promise((resolve) => c.once('exit', resolve));
    await waitUntil(
      `the control plane on port ${port} to answer`,
      async () => {
        if (c.exitCode !== null) throw new Error(`the control plane exited (${c.exitCode}):\n${out}`);
        return fetch(`${url}/identity/v3`).then(
          (r) => r.ok,
          () => false,
        );
      },
      60_000,
      100,
    );
  }

  async function stop(signal: NodeJS.Signals) {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
  }

  await start();
  onFileEnd(async () => {
    await stop('SIGKILL');
    fs.rmSync(stateDir, { recursive: true, force: true });
  });
  return {
    url,
    identityUrl: `${url}/identity/v3`,
    adminPassword,
    databaseUrl,
    stateDir,
    output: () => out,
    async restart() {
      await stop('SIGTERM');
      await start();
    },
  };
}
