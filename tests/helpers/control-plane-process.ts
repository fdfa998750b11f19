import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApiProcess, type ApiProcess } from './api-process';
import { testDatabase } from './db';
import { onFileEnd } from './file-cleanup';
import { freePort, type TestStack } from './stack';

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
  onFileEnd(() => fs.rmSync(stateDir, { recursive: true, force: true }));
  const stack = { databaseUrl, stateDir, adminPassword: 'admin-secret' };
  const start = () => startApiProcess(stack, { HOST: '127.0.0.1', ...env }, { port });
  let current: ApiProcess = await start();
  const url = current.url;
  return {
    ...stack,
    url,
    identityUrl: `${url}/identity/v3`,
    output: () => current.output(),
    async restart() {
      current.child.kill('SIGTERM');
      await current.exited;
      current = await start();
    },
  };
}
