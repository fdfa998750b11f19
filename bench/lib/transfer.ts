/**
 * The image benchmark's client: a child process (forked by `Transferer.start`) that streams one large request body
 * up or one large response body down over node:http, so that neither its buffers nor its CPU are counted as the
 * server's. node:http and not fetch: undici keeps a streamed request body in memory.
 *
 * Upload data: one random 1 MiB block, written again and again (generating fresh random bytes at disk speed would
 * measure the generator). Downloads are counted and discarded.
 *
 * Protocol (IPC): the parent sends a TransferSpec, the child answers with a TransferResult. It exits when the parent
 * goes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export type TransferSpec = {
  id: number;
  op: 'upload' | 'download';
  url: string;
  token: string;
  /** upload: bytes to send; download: bytes expected. */
  bytes: number;
};

export type TransferResult = {
  id: number;
  status: number;
  /** Bytes sent (upload) or received (download). */
  bytes: number;
  /** From the request's start to the last byte of the response. */
  ms: number;
  /** CPU the client used, in seconds. */
  cpu: number;
  /** The response body, when it is not the image data (an error's text). */
  text?: string;
};

const MiB = 1024 * 1024;

function upload(spec: TransferSpec): Promise<Omit<TransferResult, 'id' | 'cpu'>> {
  const block = randomBytes(MiB);
  block[0] = 0; // never a qcow2 magic by chance: the image is declared raw
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let sent = 0;
    const req = http.request(spec.url, {
      method: 'PUT',
      headers: {
        'X-Auth-Token': spec.token,
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(spec.bytes),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: sent, ms: performance.now() - t0, text }));
      res.on('error', reject);
    });
    const pump = () => {
      while (sent < spec.bytes) {
        const n = Math.min(MiB, spec.bytes - sent);
        sent += n;
        if (!req.write(n === MiB ? block : block.subarray(0, n))) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

function download(spec: TransferSpec): Promise<Omit<TransferResult, 'id' | 'cpu'>> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(spec.url, { method: 'GET', headers: { 'X-Auth-Token': spec.token } });
    req.on('error', reject);
    req.on('response', (res) => {
      let bytes = 0;
      let text: string | undefined;
      const ok = res.statusCode === 200;
      res.on('data', (d: Buffer) => {
        bytes += d.length;
        if (!ok) text = (text ?? '') + d.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - t0, text }));
      res.on('error', reject);
    });
    req.end();
  });
}

async function transfer(spec: TransferSpec): Promise<TransferResult> {
  const before = process.cpuUsage();
  const r = await (spec.op === 'upload' ? upload(spec) : download(spec));
  const cpu = process.cpuUsage(before);
  return { id: spec.id, ...r, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** The parent's handle on the client process; one transfer at a time, each bounded in time. */
export class Transferer {
  private nextId = 1;
  private waiting = new Map<number, { resolve: (r: TransferResult) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { ok: boolean; result?: TransferResult; id?: number; error?: string }) => {
      const id = m.result?.id ?? m.id;
      const w = id === undefined ? undefined : this.waiting.get(id);
      if (!w) return;
      this.waiting.delete(id!);
      if (m.ok) w.resolve(m.result!);
      else w.reject(new Error(`transfer failed: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`transfer client exited (${signal ?? code})`));
      this.waiting.clear();
    });
    // a send on a channel that closed meanwhile (the run is being stopped): the transfer's promise says so
    child.on('error', () => undefined);
  }

  get pid() {
    return this.child.pid;
  }

  static async start(): Promise<Transferer> {
    const execArgv = process.execArgv.filter((a) => !/^--(cpu-prof|heap-prof|inspect|prof)/.test(a));
    const child = fork(path.join(import.meta.dirname, 'transfer.ts'), [], {
      execArgv,
      env: { ...process.env, CUMULO_BENCH_TRANSFER: '1' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('transfer client did not start within 30 s')), 30_000);
      child.once('message', () => (clearTimeout(timer), resolve()));
      child.once(
        'exit',
        (code) => (clearTimeout(timer), reject(new Error(`transfer client exited at start (${code})`))),
      );
    }).catch((e) => {
      child.kill('SIGKILL');
      throw e;
    });
    return new Transferer(child);
  }

  /** Runs one transfer; if it takes longer than `limitMs` the client is killed and the promise rejects. */
  run(spec: Omit<TransferSpec, 'id'>, limitMs: number): Promise<TransferResult> {
    const id = this.nextId++;
    if (!this.child.connected) return Promise.reject(new Error('the transfer client has stopped'));
    return new Promise<TransferResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        this.child.kill('SIGKILL');
        reject(new Error(`${spec.op} overran its time (${Math.round(limitMs / 1000)} s): transfer client killed`));
      }, limitMs);
      this.waiting.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.child.send({ ...spec, id }, (e) => {
        if (!e) return;
        this.waiting.delete(id);
        clearTimeout(timer);
        reject(e);
      });
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

// Child-process entry: only when forked with an IPC channel. Disconnecting ends it, whatever it is doing.
if (process.send && process.env.CUMULO_BENCH_TRANSFER === '1') {
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C reaches the whole process group: the parent cleans up and then disconnects, which ends this process
  for (const s of ['SIGINT', 'SIGHUP'] as const) process.on(s, () => undefined);
  process.on('message', (spec: TransferSpec) => {
    transfer(spec).then(
      (result) => process.send!({ ok: true, result }),
      (e: unknown) => process.send!({ ok: false, id: spec.id, error: (e as Error).stack ?? String(e) }),
    );
  });
  process.send({ ready: true });
}
