import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { onFileEnd } from './file-cleanup';
import { freePort, type TestStack } from './stack';

const ROOT = path.resolve(import.meta.dirname, '../..');

export type ApiProcess = { url: string; child: ChildProcess; output: () => string; exited: Promise<number | null> };

/**
 * `npm start`'s entry (server/start.ts) as a process of its own, joining `stack`: its database and data directory,
 * its own port (`port`, or a free one). Resolves once it says it is running; killed at the file's end if still running.
 */
export async function startApiProcess(
  stack: Pick<TestStack, 'databaseUrl' | 'stateDir' | 'adminPassword'>,
  env: Record<string, string> = {},
  opts: { port?: number } = {},
): Promise<ApiProcess> {
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: stack.databaseUrl,
      STATE_DIR: stack.stateDir,
      PORT: String(port),
      ADMIN_PASSWORD: stack.adminPassword,
      PASSWORD_HASH_COST: '1024',
      DEFAULT_IMAGE: 'none',
      COMPUTE_DRIVER: 'none',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onFileEnd(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API process not up within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      if (out.includes('Cumulo is running.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`API process exited (${code}) before it was up:\n${out}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, child, output: () => out, exited };
}
