import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { onFileEnd } from './file-cleanup';

const ROOT = path.resolve(import.meta.dirname, '../..');

export type AgentProcess = { host: string; child: ChildProcess; output: () => string; exited: Promise<number | null> };

/**
 * `npm run agent -- compute` as its own process (node with tsx's loader, so signals reach it directly), on RabbitMQ
 * under the stack's bus prefix. Resolves once it says it is up; killed at the file's end if still running.
 */
export async function startAgentProcess(o: {
  host: string;
  driver: 'test' | 'libvirt';
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<AgentProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'agents/compute/main.ts', 'compute', '--host', o.host, '--driver', o.driver],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
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
    const timer = setTimeout(
      () => reject(new Error(`agent ${o.host} not up within ${o.timeoutMs ?? 30_000} ms:\n${out}`)),
      o.timeoutMs ?? 30_000,
    );
    child.stdout!.on('data', () => {
      if (out.includes('is up')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`agent ${o.host} exited (${code}) before it was up:\n${out}`));
    });
  });
  return { host: o.host, child, output: () => out, exited };
}
