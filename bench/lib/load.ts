import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_DRAIN_MS, type LoadResult, type LoadSpec } from './loadgen';

/**
 * The parent's handle on the load-generator process (loadgen.ts). One child serves every run of a benchmark; each
 * run is bounded in time, and a child that overruns is killed.
 */
export class LoadGenerator {
  private nextId = 1;
  private waiting = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { ok: boolean; result?: LoadResult; id?: number; error?: string }) => {
      const id = m.result?.id ?? m.id;
      const w = id === undefined ? undefined : this.waiting.get(id);
      if (!w) return;
      this.waiting.delete(id!);
      if (m.ok) w.resolve(m.result!);
      else w.reject(new Error(`load generator failed: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`load generator exited (${signal ?? code})`));
      this.waiting.clear();
    });
  }

  get pid() {
    return this.child.pid;
  }

  static async start(): Promise<LoadGenerator> {
    // Same TypeScript loader as ours (tsx), but never our profiling or inspector flags.
    const execArgv = process.execArgv.filter((a) => !/^--(cpu-prof|heap-prof|inspect|prof)/.test(a));
    const child = fork(path.join(import.meta.dirname, 'loadgen.ts'), [], {
      execArgv,
      env: { ...process.env, CUMULO_BENCH_LOADGEN: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('load generator did not start within 30 s')), 30_000);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`load generator exited at start (${code})`));
      });
    }).catch((e) => {
      child.kill('SIGKILL');
      throw e;
    });
    return new LoadGenerator(child);
  }

  run(spec: Omit<LoadSpec, 'id'>): Promise<LoadResult> {
    const id = this.nextId++;
    const limitMs = spec.warmupMs + spec.durationMs + (spec.drainMs ?? DEFAULT_DRAIN_MS) + 20_000;
    return new Promise<LoadResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        this.child.kill('SIGKILL');
        reject(new Error(`load run overran its time (${limitMs} ms): load generator killed`));
      }, limitMs);
      this.waiting.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.child.send({ ...spec, id });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    if (this.child.connected) this.child.disconnect();
    else this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
