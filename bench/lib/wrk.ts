import { execFileSync, spawn } from 'node:child_process';
import type { LoadResult, LoadSpec } from './loadgen';

/**
 * Optional cross-check with wrk (Debian package `wrk`), the client the Keystone figures in ANCHORS.md were taken
 * with. Only GET without a body; wrk's durations are whole seconds.
 */
export function wrkAvailable(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    // wrk --version prints its banner and exits 1
    return (e as { status?: number }).status === 1;
  }
}

const toMs = (v: string, unit: string) => Number(v) * ({ us: 1e-3, ms: 1, s: 1000, m: 60_000 }[unit] ?? NaN);

function once(spec: LoadSpec, seconds: number): Promise<string> {
  const args = ['-t1', `-c${spec.concurrency}`, `-d${seconds}s`, '--latency', '--timeout', '10s'];
  for (const [k, v] of Object.entries(spec.headers)) args.push('-H', `${k}: ${v}`);
  if (spec.fresh) args.push('-H', 'Connection: close');
  args.push(`http://${spec.host}:${spec.port}${spec.path}`);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 20) * 1000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`wrk exited with ${code}: ${out.slice(-300)}`));
    });
  });
}

/** A warm-up run (discarded), then the measured one; `spec.warmupMs`/`durationMs` are rounded up to whole seconds. */
export async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  if (spec.method !== 'GET' || spec.body !== undefined) throw new Error('the wrk cross-check only sends GETs');
  if (spec.warmupMs > 0) await once(spec, Math.ceil(spec.warmupMs / 1000));
  const seconds = Math.ceil(spec.durationMs / 1000);
  const out = await once(spec, seconds);
  const rps = Number(/Requests\/sec:\s*([\d.]+)/.exec(out)?.[1]);
  const total = Number(/(\d+) requests in/.exec(out)?.[1]);
  const pct = (p: string) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s|m)\\b`).exec(out);
    return m ? toMs(m[1]!, m[2]!) : NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s*(\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  const errors = non2xx + socketErrors;
  return {
    id: spec.id,
    completed: total,
    errors,
    errorSamples: [non2xx ? `${non2xx} non-2xx` : '', sock ? sock[0] : ''].filter(Boolean),
    seconds,
    // wrk counts every response; like our generator, report only the good ones
    rps: total ? (rps * (total - non2xx)) / total : NaN,
    p50: pct('50'),
    p90: pct('90'),
    p99: pct('99'),
    max: NaN,
    mean: NaN,
    cpu: NaN,
  };
}
