/**
 * The load generator: a child process (forked by load.ts) so that it never shares an event loop with the server it
 * measures. It speaks raw HTTP/1.1 over node:net — one request in flight per connection, `concurrency` connections,
 * each a closed loop — because node:http's client costs more CPU per request than the servers we measure, and on a
 * 2-core machine the generator's CPU is taken from the server.
 *
 * Protocol (IPC): the parent sends a LoadSpec, the child answers with a LoadResult. It exits when the parent goes.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export type LoadSpec = {
  id: number;
  host: string;
  port: number;
  method: 'GET' | 'POST' | 'HEAD';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Responses with another status count as errors. */
  expectStatus: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** A new TCP connection per request (`Connection: close`), as wrk measured Keystone; default keep-alive. */
  fresh?: boolean;
  /**
   * After the window, how long requests still in flight may take to finish (they are not counted, but leaving them
   * would keep the server busy during the next run); then their connections are cut. Default 60 s.
   */
  drainMs?: number;
};

export const DEFAULT_DRAIN_MS = 60_000;

export type LoadResult = {
  id: number;
  /** Requests that ended inside the measured window: answered (any status) or failed (connection errors). */
  completed: number;
  errors: number;
  /** A few distinct error descriptions, for the report. */
  errorSamples: string[];
  seconds: number;
  rps: number;
  /** Latencies of the measured window's requests, in milliseconds (nearest rank). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** CPU the generator itself used during the window, as a fraction of one core. */
  cpu: number;
};

type Parsed = { status: number; close: boolean; consumed: number };

/** Parses one complete response at the start of `buf`; null when more bytes are needed. `ended`: the peer closed. */
export function parseResponse(buf: Buffer, ended: boolean, isHead: boolean): Parsed | null {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = buf.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  if (!head.startsWith('HTTP/1.') || !Number.isInteger(status))
    throw new Error(`malformed response: ${JSON.stringify(head.slice(0, 40))}`);
  const close = /\r\nconnection:[ \t]*close/i.test(head);
  const bodyStart = headEnd + 4;
  if (isHead || status === 204 || status === 304 || (status >= 100 && status < 200))
    return { status, close, consumed: bodyStart };
  const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return buf.length >= end ? { status, close, consumed: end } : null;
  }
  if (/\r\ntransfer-encoding:[ \t]*chunked/i.test(head)) {
    let at = bodyStart;
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', at);
      if (lineEnd < 0) return null;
      const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
      if (Number.isNaN(size)) throw new Error('malformed chunk size');
      if (size === 0) {
        const trailerEnd = buf.indexOf('\r\n\r\n', lineEnd);
        if (trailerEnd >= 0) return { status, close, consumed: trailerEnd + 4 };
        // no trailers: "0\r\n\r\n"
        return buf.length >= lineEnd + 4 ? { status, close, consumed: lineEnd + 4 } : null;
      }
      at = lineEnd + 2 + size + 2;
      if (buf.length < at) return null;
    }
  }
  // neither length nor chunks: the body runs until the server closes
  return ended ? { status, close: true, consumed: buf.length } : null;
}

/** One TCP connection with at most one request in flight. */
class Connection {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private pending: { resolve: (p: Parsed) => void; reject: (e: Error) => void } | null = null;
  readonly socket: net.Socket;

  private constructor(
    socket: net.Socket,
    private readonly isHead: boolean,
  ) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.tryComplete();
    });
    socket.on('end', () => {
      this.ended = true;
      this.tryComplete();
      this.fail(new Error('connection closed by the server'));
    });
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static open(host: string, port: number, isHead: boolean): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port });
      const onError = (e: Error) => reject(e);
      s.once('error', onError);
      s.once('connect', () => {
        s.off('error', onError);
        resolve(new Connection(s, isHead));
      });
    });
  }

  get usable() {
    return !this.ended && !this.socket.destroyed;
  }

  request(bytes: Buffer): Promise<Parsed> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  close() {
    this.socket.destroy();
  }

  private tryComplete() {
    if (!this.pending) return;
    let parsed: Parsed | null;
    try {
      parsed = parseResponse(this.buf, this.ended, this.isHead);
    } catch (e) {
      return this.fail(e as Error);
    }
    if (!parsed) return;
    this.buf = this.buf.subarray(parsed.consumed);
    const p = this.pending;
    this.pending = null;
    p.resolve(parsed);
  }

  private fail(e: Error) {
    const p = this.pending;
    this.pending = null;
    p?.reject(e);
  }
}

function requestBytes(spec: LoadSpec): Buffer {
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
  const lines = [`${spec.method} ${spec.path} HTTP/1.1`, `Host: ${spec.host}:${spec.port}`];
  for (const [k, v] of Object.entries(spec.headers)) lines.push(`${k}: ${v}`);
  if (body) lines.push(`Content-Length: ${body.length}`);
  lines.push(spec.fresh ? 'Connection: close' : 'Connection: keep-alive');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}

const rank = (sorted: Float64Array, p: number) =>
  sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]! : NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const bytes = requestBytes(spec);
  const isHead = spec.method === 'HEAD';
  const start = performance.now();
  const windowStart = start + spec.warmupMs;
  const windowEnd = windowStart + spec.durationMs;
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  let completed = 0;
  let errors = 0;
  const errorSamples = new Set<string>();
  let cpuAtWindowStart: NodeJS.CpuUsage | null = null;

  const record = (t0: number, t1: number, ok: boolean, what?: string) => {
    if (t1 < windowStart || t1 > windowEnd) return;
    completed += 1;
    if (!ok) {
      errors += 1;
      if (what && errorSamples.size < 5) errorSamples.add(what);
    }
    if (n === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[n++] = t1 - t0;
  };
  const noteError = (t: number, e: unknown) => {
    if (t < windowStart || t > windowEnd) return;
    completed += 1;
    errors += 1;
    if (errorSamples.size < 5) errorSamples.add((e as Error).message ?? String(e));
  };

  const open = new Set<Connection>();
  const connect = async () => {
    const c = await Connection.open(spec.host, spec.port, isHead);
    open.add(c);
    c.socket.once('close', () => open.delete(c));
    return c;
  };

  const keepAliveLoop = async () => {
    let conn: Connection | null = null;
    while (performance.now() < windowEnd) {
      const t0 = performance.now();
      try {
        conn ??= await connect();
        const r = await conn.request(bytes);
        const t1 = performance.now();
        record(t0, t1, r.status === spec.expectStatus, r.status === spec.expectStatus ? undefined : `HTTP ${r.status}`);
        if (r.close || !conn.usable) {
          conn.close();
          conn = null;
        }
      } catch (e) {
        noteError(performance.now(), e);
        conn?.close();
        conn = null;
        await sleep(5); // do not spin when the server refuses connections
      }
    }
    conn?.close();
  };

  const freshLoop = async () => {
    while (performance.now() < windowEnd) {
      const t0 = performance.now();
      let conn: Connection | null = null;
      try {
        conn = await connect();
        const r = await conn.request(bytes);
        record(
          t0,
          performance.now(),
          r.status === spec.expectStatus,
          r.status === spec.expectStatus ? undefined : `HTTP ${r.status}`,
        );
      } catch (e) {
        noteError(performance.now(), e);
        await sleep(5);
      } finally {
        conn?.close();
      }
    }
  };

  let cpu: NodeJS.CpuUsage | null = null;
  // the window's end: by the timer, or when the loops return first (c=1: its last request ends just after windowEnd)
  const endWindow = () => (cpu ??= cpuAtWindowStart ? process.cpuUsage(cpuAtWindowStart) : { user: 0, system: 0 });
  const timers = [
    setTimeout(() => (cpuAtWindowStart = process.cpuUsage()), spec.warmupMs),
    setTimeout(endWindow, spec.warmupMs + spec.durationMs),
    setTimeout(
      () => {
        for (const c of open) c.close();
      },
      spec.warmupMs + spec.durationMs + (spec.drainMs ?? DEFAULT_DRAIN_MS),
    ),
  ];
  await Promise.all(Array.from({ length: spec.concurrency }, () => (spec.fresh ? freshLoop() : keepAliveLoop())));
  for (const t of timers) clearTimeout(t);
  const used = endWindow();

  const sorted = latencies.subarray(0, n).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const seconds = spec.durationMs / 1000;
  return {
    id: spec.id,
    completed,
    errors,
    errorSamples: [...errorSamples],
    seconds,
    rps: (completed - errors) / seconds,
    p50: rank(sorted, 0.5),
    p90: rank(sorted, 0.9),
    p99: rank(sorted, 0.99),
    max: n ? sorted[n - 1]! : NaN,
    mean: n ? sum / n : NaN,
    cpu: (used.user + used.system) / 1e6 / seconds,
  };
}

// Child-process entry: only when forked with an IPC channel.
if (process.send && process.env.CUMULO_BENCH_LOADGEN === '1') {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (spec: LoadSpec) => {
    runLoad(spec).then(
      (result) => process.send!({ ok: true, result }),
      (e: unknown) => process.send!({ ok: false, id: spec.id, error: (e as Error).stack ?? String(e) }),
    );
  });
  process.send({ ready: true });
}
