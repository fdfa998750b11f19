/**
 * `npm run bench -- image [options]`: upload and download of large images through the Glance v2 API
 * (`PUT`/`GET /image/v2/images/{id}/file`) against the control plane started as `npm start` starts it, with `dd`
 * (O_DIRECT) on the same disk as the yardstick and the server's peak RSS during the transfers. The client is a
 * separate process (bench/lib/transfer.ts), so only the server's memory and CPU are this process's. See `--help`.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config/env';
import { randomToken } from '../server/lib/ids';
import { logger } from '../server/lib/logger';
import { startControlPlane } from '../server/main';
import { Cleanup } from './lib/cleanup';
import { benchDatabase } from './lib/database';
import { loadAverage, machine, machineBusySeconds, markdownTable, writeSection, type Machine } from './lib/report';
import { Transferer, type TransferResult } from './lib/transfer';

const HELP = `usage: npm run bench -- image [options]

  --sizes <list>   image sizes in GiB, comma-separated (default 1,4); a size that does not fit the disk three times
                   over is skipped
  --warm-only      do not drop the image from the page cache before the first download (it is dropped by default,
                   so that the download reads the disk as dd's O_DIRECT read does)
  --dir <path>     where the throwaway state (database, images) and dd's file go (default: a new directory under the
                   system temp directory when it is on the same file system as the repository, else under .bench/)
  --pg <url>       PostgreSQL server for the throwaway database (default as for the identity bench)
  --embedded       use the embedded PostgreSQL even when another server is available
  --wait-idle <s>  before each size, wait up to this long for the rest of the machine to go quiet (shared machines)
  --no-ceiling     skip the ceiling: the same transfers against a bare node:http server in this process that discards
                   what it gets and sends one block over and over (no disk, no hashing: what loopback HTTP allows)
  --write          record the figures in docs/benchmarks.md (section "Images")
  --timeout <s>    give up (cleaning up) after this long (default: 300 s + 150 s per GiB planned)`;

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
/** MB/s as dd and the anchors print them: 10^6 bytes per second. */
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
/** The transfer rates a run must reach, as fractions of dd's on the same disk in the same run. */
const TARGET_OF_DD = 0.8;
const TARGET_RSS_MB = 100;

type Dd = { write: number; read: number };
type Transfer = {
  r: TransferResult;
  mbps: number;
  /** CPU of this process (the server) over the transfer, in cores. */
  serverCpu: number;
  /** CPU the rest of the machine used meanwhile (client excluded), in cores: noise when large. */
  rest: number;
  peakRss: number;
};
type Row = {
  gib: number;
  dd: Dd;
  upload: Transfer;
  download: Transfer;
  cached?: Transfer;
  /** Whether the first download really read the disk (the file was dropped from the page cache). */
  cold: boolean;
  /** The same transfers against a bare node:http server: the ceiling of loopback HTTP on this machine. */
  ceiling?: { upload: Transfer; download: Transfer };
};

export async function run(argv: string[] = []): Promise<void> {
  const { values: o } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string' },
      'warm-only': { type: 'boolean' },
      dir: { type: 'string' },
      pg: { type: 'string' },
      embedded: { type: 'boolean' },
      'wait-idle': { type: 'string' },
      'no-ceiling': { type: 'boolean' },
      write: { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (o.help) return void console.log(HELP);
  const sizes = (o.sizes ?? '1,4').split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isFinite(n) || n <= 0 || (n * GiB) % (4 * MiB) !== 0)
      throw new Error(`--sizes takes sizes in GiB that are whole multiples of 4 MiB: ${s}`);
    return n;
  });
  const waitIdleS = Number(o['wait-idle'] ?? 0);
  if (!Number.isFinite(waitIdleS) || waitIdleS < 0) throw new Error(`not a number of seconds: ${o['wait-idle']}`);
  const timeoutS =
    o.timeout === undefined
      ? 300 + 150 * sizes.reduce((a, b) => a + b, 0) + waitIdleS * sizes.length
      : Number(o.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new Error(`not a number of seconds: ${o.timeout}`);

  const m = machine();
  const cleanup = new Cleanup('bench image');
  cleanup.limit(timeoutS * 1000);
  try {
    const base = o.dir ? path.resolve(o.dir) : defaultBase();
    fs.mkdirSync(base, { recursive: true });
    const stateDir = fs.mkdtempSync(path.join(base, 'cumulo-bench-image-'));
    cleanup.add('removing the state directory', () => fs.rmSync(stateDir, { recursive: true, force: true }));
    const disk = diskOf(stateDir);
    const loadAtStart = loadAverage();
    console.log(
      `machine:   ${m.nproc} CPUs (${m.cpu}), ${m.memory}, Node ${m.node}, ${m.os}; load average ${loadAtStart}`,
    );
    console.log(`disk:      ${disk.describe}`);

    const ctx = await setUp(cleanup, stateDir, { pg: o.pg, embedded: o.embedded });
    console.log(`database:  ${ctx.database}`);
    console.log(
      `server:    ${ctx.url} (in this process, pid ${process.pid}); transfer client: pid ${ctx.client.pid}\n`,
    );

    // A small round trip first, so that the baseline already holds the code and buffers any transfer needs.
    const warm = await roundTrip(ctx, 64 * MiB, { cold: false, cached: false });
    const baseline = rssNow();
    console.log(
      `warm-up:   64 MiB up ${warm.upload.mbps.toFixed(0)} MB/s, down ${warm.download.mbps.toFixed(0)} MB/s; server RSS baseline ${mb(baseline)} MB\n`,
    );

    const rows: Row[] = [];
    const skipped: string[] = [];
    for (const gib of sizes) {
      const bytes = gib * GiB;
      const free = freeBytes(stateDir);
      if (free < 3 * bytes) {
        const why = `${gib} GiB skipped: ${(free / GiB).toFixed(1)} GiB free, ${3 * gib} GiB wanted`;
        console.log(why);
        skipped.push(why);
        continue;
      }
      if (waitIdleS) await waitForQuiet(waitIdleS * 1000);
      const dd = await ddSpeed(stateDir, bytes);
      console.log(
        `${gib} GiB: dd write ${dd.write.toFixed(0)} MB/s, read ${dd.read.toFixed(0)} MB/s (O_DIRECT, bs=4M)`,
      );
      const t = await roundTrip(ctx, bytes, { cold: !o['warm-only'], cached: true });
      const ceiling = o['no-ceiling'] ? undefined : await ceilingOf(ctx, bytes);
      const row: Row = { gib, dd, ...t, ceiling };
      rows.push(row);
      console.log(formatLine(row, baseline));
    }

    const table = resultTable(rows, baseline);
    const summary = verdict(rows, baseline, skipped);
    console.log(`\n${table}\n\n${summary}`);
    if (o.write) {
      const file = writeSection(
        'Images',
        'image',
        generatedSection({ m, disk, load: [loadAtStart, loadAverage()], argv, baseline, table, summary }),
        HAND_WRITTEN,
      );
      console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await cleanup.runAll();
  }
}

type Ctx = Awaited<ReturnType<typeof setUp>>;

/** The system temp directory when it shares the repository's file system (so dd measures that disk), else .bench/. */
function defaultBase(): string {
  const repo = path.resolve(import.meta.dirname, '..');
  const tmp = os.tmpdir();
  return fs.statSync(tmp).dev === fs.statSync(repo).dev ? tmp : path.join(repo, '.bench');
}

const freeBytes = (dir: string) => {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
};

function diskOf(dir: string) {
  let device = '?';
  let fstype = '?';
  try {
    [device = '?', fstype = '?'] = execFileSync('df', ['--output=source,fstype', dir], { encoding: 'utf8' })
      .trim()
      .split('\n')[1]!
      .trim()
      .split(/\s+/);
  } catch {
    // no GNU df: the free space below is still right
  }
  const free = freeBytes(dir);
  return { device, fstype, free, describe: `${dir} on ${device} (${fstype}), ${(free / GiB).toFixed(0)} GiB free` };
}

async function setUp(cleanup: Cleanup, stateDir: string, opts: { pg?: string; embedded?: boolean }) {
  const db = await benchDatabase({ server: opts.pg, embedded: opts.embedded, stateDir, cleanup });
  const port = await freePort();
  const adminPassword = randomToken(12);
  // As `npm start` configures it (defaults for everything that shapes performance), without the dashboard.
  const config = loadConfig({
    STATE_DIR: stateDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });
  const cp = await startControlPlane({ config, databaseUrl: db.url, dashboard: 'off' });
  cleanup.add('closing the control plane', async () => {
    await cp.close();
    logger.level = 'fatal'; // a transfer cut off by Ctrl-C may still be unwinding
  });
  const token = await adminToken(cp.url, adminPassword);
  const client = await Transferer.start();
  cleanup.add('stopping the transfer client', () => client.stop());
  const ceilingPort = await ceilingServer(cleanup);
  const ctx = {
    url: cp.url,
    token,
    client,
    ceilingUrl: `http://127.0.0.1:${ceilingPort}`,
    imagesDir: path.join(stateDir, 'images'),
    database: db.describe,
  };
  return ctx;
}

async function adminToken(url: string, password: string): Promise<string> {
  const res = await fetch(`${url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { name: 'Default' }, password } },
        },
        scope: { project: { name: 'admin', domain: { name: 'Default' } } },
      },
    }),
  });
  const token = res.headers.get('x-subject-token');
  if (res.status !== 201 || !token) throw new Error(`token issue failed: HTTP ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  return token;
}

async function glance(ctx: Ctx, method: string, p: string, body?: unknown) {
  const res = await fetch(`${ctx.url}/image/v2${p}`, {
    method,
    headers: { 'X-Auth-Token': ctx.token, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * Creates an image, uploads `bytes`, downloads it (from the disk when `cold`: the file is flushed and dropped from the
 * page cache first; then once more from the page cache when `cached`), and deletes it. Every transfer is checked.
 */
async function roundTrip(ctx: Ctx, bytes: number, opts: { cold: boolean; cached: boolean }) {
  const created = await glance(ctx, 'POST', '/images', {
    name: `bench-${bytes}`,
    disk_format: 'raw',
    container_format: 'bare',
  });
  if (created.status !== 201) throw new Error(`image create: HTTP ${created.status} ${JSON.stringify(created.body)}`);
  const id = String(created.body.id);
  try {
    const file = `${ctx.url}/image/v2/images/${id}/file`;
    // generous: 20 MB/s at worst
    const limitMs = 60_000 + bytes / 20e3;
    const upload = await measured(() => ctx.client.run({ op: 'upload', url: file, token: ctx.token, bytes }, limitMs));
    if (upload.r.status !== 204) throw new Error(`upload: HTTP ${upload.r.status} ${upload.r.text ?? ''}`);
    const shown = await glance(ctx, 'GET', `/images/${id}`);
    if (shown.body.status !== 'active' || shown.body.size !== bytes)
      throw new Error(`after upload: status ${String(shown.body.status)}, size ${String(shown.body.size)}`);
    const cold = opts.cold && dropFromCache(path.join(ctx.imagesDir, id));
    const get = async () => {
      const d = await measured(() => ctx.client.run({ op: 'download', url: file, token: ctx.token, bytes }, limitMs));
      if (d.r.status !== 200 || d.r.bytes !== bytes)
        throw new Error(`download: HTTP ${d.r.status}, ${d.r.bytes} of ${bytes} bytes ${d.r.text ?? ''}`);
      return d;
    };
    const download = await get();
    const cached = opts.cached ? await get() : undefined;
    return { upload, download, cached, cold };
  } finally {
    const gone = await glance(ctx, 'DELETE', `/images/${id}`);
    if (gone.status !== 204) console.error(`image delete: HTTP ${gone.status}`);
  }
}

/**
 * The ceiling: a bare node:http server in this process, like the control plane, that reads and drops an upload and
 * answers a download with one 1 MiB block over and over. What is left is loopback TCP and HTTP framing.
 */
async function ceilingServer(cleanup: Cleanup): Promise<number> {
  const block = Buffer.alloc(MiB, 0x5a);
  const server = http.createServer((req, res) => {
    if (req.method === 'PUT') {
      req.resume();
      req.on('end', () => (res.writeHead(204), res.end()));
      return;
    }
    const bytes = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('bytes'));
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes) });
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        const n = Math.min(MiB, bytes - sent);
        sent += n;
        if (!res.write(n === MiB ? block : block.subarray(0, n))) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.add(
    'closing the ceiling server',
    () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  );
  return (server.address() as net.AddressInfo).port;
}

async function ceilingOf(ctx: Ctx, bytes: number) {
  const url = `${ctx.ceilingUrl}/data?bytes=${bytes}`;
  const limitMs = 60_000 + bytes / 20e3;
  const upload = await measured(() => ctx.client.run({ op: 'upload', url, token: '-', bytes }, limitMs));
  const download = await measured(() => ctx.client.run({ op: 'download', url, token: '-', bytes }, limitMs));
  if (upload.r.status !== 204 || download.r.status !== 200 || download.r.bytes !== bytes)
    throw new Error(`ceiling server: HTTP ${upload.r.status} / ${download.r.status}, ${download.r.bytes} bytes`);
  return { upload, download };
}

/** One transfer, with this process's (the server's) CPU and peak RSS over it. */
async function measured(fn: () => Promise<TransferResult>): Promise<Transfer> {
  resetPeakRss();
  let peak = rssNow();
  const sampler = setInterval(() => (peak = Math.max(peak, rssNow())), 50);
  const cpu0 = process.cpuUsage();
  const busy0 = machineBusySeconds();
  try {
    const r = await fn();
    const cpu = process.cpuUsage(cpu0);
    const serverCpu = (cpu.user + cpu.system) / 1e3 / r.ms;
    const rest = ((machineBusySeconds() - busy0) * 1000) / r.ms - serverCpu - r.cpu / (r.ms / 1000);
    peak = Math.max(peak, rssNow(), peakRss());
    return { r, mbps: mbps(r.bytes, r.ms), serverCpu, rest, peakRss: peak };
  } finally {
    clearInterval(sampler);
  }
}

const rssNow = () => process.memoryUsage.rss();
const mb = (bytes: number) => (bytes / 1e6).toFixed(0);

/** Resets the kernel's high-water mark of this process's RSS (VmHWM) to its current RSS (Linux ≥ 4.0). */
function resetPeakRss() {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux, or not allowed: the 50 ms samples are all we have
  }
}

/** VmHWM: the largest RSS since the last reset, as the kernel saw it (0 when unknown). */
function peakRss(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Writes the file's dirty pages out, then asks the kernel to drop its cached pages (GNU dd's nocache). */
function dropFromCache(file: string): boolean {
  try {
    execFileSync('sync', [file]);
    execFileSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
    return true;
  } catch (e) {
    console.log(
      `  (could not drop ${file} from the page cache: ${(e as Error).message}; the download reads the cache)`,
    );
    return false;
  }
}

/** dd's own figures for writing then reading `bytes` with O_DIRECT, in 4 MiB blocks, in `dir`; the file is removed. */
async function ddSpeed(dir: string, bytes: number): Promise<Dd> {
  const file = path.join(dir, 'dd-yardstick');
  const count = `count=${bytes / (4 * MiB)}`;
  const dd = (args: string[]) =>
    new Promise<number>((resolve, reject) => {
      const child = spawn('dd', [...args, 'bs=4M', count], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('exit', (code) => {
        const m = /^(\d+) bytes .* copied, ([\d.]+) s/m.exec(err);
        if (code !== 0 || !m) return reject(new Error(`dd ${args.join(' ')}: exit ${code}: ${err.trim()}`));
        resolve(mbps(Number(m[1]), Number(m[2]) * 1000));
      });
    });
  try {
    const write = await dd(['if=/dev/zero', `of=${file}`, 'oflag=direct']);
    const read = await dd([`if=${file}`, 'of=/dev/null', 'iflag=direct']);
    return { write, read };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Waits (at most `maxMs`) until the machine has used under half a core for two seconds in a row. */
async function waitForQuiet(maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  let quiet = 0;
  while (Date.now() < until && quiet < 2) {
    const before = machineBusySeconds();
    await new Promise((r) => setTimeout(r, 1000));
    const busy = machineBusySeconds() - before;
    if (!Number.isFinite(busy)) return;
    quiet = busy < 0.5 ? quiet + 1 : 0;
  }
  if (quiet < 2) console.log(`  (the machine did not go quiet within ${maxMs / 1000} s; measuring anyway)`);
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

const pct = (a: number, b: number) => (Number.isFinite(a / b) ? `${Math.round((100 * a) / b)} %` : '–');
const growth = (t: Transfer | undefined, baseline: number) => (t ? Math.max(0, t.peakRss - baseline) / 1e6 : NaN);
const rowGrowth = (row: Row, baseline: number) =>
  Math.max(growth(row.upload, baseline), growth(row.download, baseline), growth(row.cached, baseline) || 0);
const downloadLabel = (row: Row) => (row.cold ? 'download (from disk)' : 'download (page cache: not dropped)');

function formatLine(row: Row, baseline: number): string {
  const t = (name: string, x: Transfer | undefined) =>
    x
      ? `  ${name.padEnd(36)} ${x.mbps.toFixed(0).padStart(5)} MB/s in ${(x.r.ms / 1000).toFixed(1)} s; server CPU ${x.serverCpu.toFixed(2)} cores, client ${(x.r.cpu / (x.r.ms / 1000)).toFixed(2)}, rest of machine ${Math.max(0, x.rest).toFixed(2)}; peak RSS +${growth(x, baseline).toFixed(0)} MB`
      : '';
  return [
    t('upload', row.upload),
    t(downloadLabel(row), row.download),
    t('download (page cache)', row.cached),
    t('ceiling: upload to bare node:http', row.ceiling?.upload),
    t('ceiling: download from bare node:http', row.ceiling?.download),
  ]
    .filter(Boolean)
    .join('\n');
}

function resultTable(rows: Row[], baseline: number): string {
  return markdownTable(
    [
      'image',
      'upload MB/s',
      'download MB/s (from disk)',
      'download MB/s (page cache)',
      'dd write / read MB/s',
      'bare node:http up / down MB/s',
      'upload % of dd write',
      'download % of dd read',
      'server CPU up / down (cores)',
      'rest of machine up / down (cores)',
      'peak RSS growth',
    ],
    rows.map((row) => [
      `${row.gib} GiB`,
      row.upload.mbps.toFixed(0),
      `${row.download.mbps.toFixed(0)}${row.cold ? '' : ' (cached)'}`,
      row.cached ? row.cached.mbps.toFixed(0) : '–',
      `${row.dd.write.toFixed(0)} / ${row.dd.read.toFixed(0)}`,
      row.ceiling ? `${row.ceiling.upload.mbps.toFixed(0)} / ${row.ceiling.download.mbps.toFixed(0)}` : '–',
      pct(row.upload.mbps, row.dd.write),
      pct(row.download.mbps, row.dd.read),
      `${row.upload.serverCpu.toFixed(2)} / ${row.download.serverCpu.toFixed(2)}`,
      `${Math.max(0, row.upload.rest).toFixed(2)} / ${Math.max(0, row.download.rest).toFixed(2)}`,
      `${rowGrowth(row, baseline).toFixed(0)} MB`,
    ]),
  );
}

function verdict(rows: Row[], baseline: number, skipped: string[]): string {
  const lines: string[] = [];
  for (const row of rows) {
    const up = row.upload.mbps / row.dd.write;
    const down = row.download.mbps / row.dd.read;
    const g = rowGrowth(row, baseline);
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    lines.push(
      `- ${row.gib} GiB: upload ${pct(row.upload.mbps, row.dd.write)} of dd's write, download ${pct(row.download.mbps, row.dd.read)} of dd's read — target ≥ ${TARGET_OF_DD * 100} %: ${met(up >= TARGET_OF_DD)} / ${met(down >= TARGET_OF_DD)}${row.cold ? '' : ' (the download read the page cache)'}; peak RSS growth ${g.toFixed(0)} MB — target < ${TARGET_RSS_MB} MB: ${met(g < TARGET_RSS_MB)}.`,
    );
  }
  for (const row of rows.filter((r) => r.ceiling)) {
    const c = row.ceiling!;
    lines.push(
      `- ${row.gib} GiB against the bare node:http server in the same process (no disk, no hashing): upload ${pct(row.upload.mbps, c.upload.mbps)} of its ${c.upload.mbps.toFixed(0)} MB/s, download ${pct(row.download.mbps, c.download.mbps)} of its ${c.download.mbps.toFixed(0)} MB/s (${pct(row.cached?.mbps ?? NaN, c.download.mbps)} from the page cache).`,
    );
  }
  const one = rows.find((r) => r.gib === 1);
  if (one)
    lines.push(
      `- Glance 25 (ANCHORS.md, 1 GiB, openstackclient): 146 MB/s up, 130 MB/s down, glance-api flat at 425 MiB. Cumulo at 1 GiB: ${one.upload.mbps.toFixed(0)} MB/s up (×${(one.upload.mbps / 146).toFixed(1)}), ${one.download.mbps.toFixed(0)} MB/s down (×${(one.download.mbps / 130).toFixed(1)}), server RSS ${mb(baseline)} MB at rest (control plane, identity included) and +${rowGrowth(one, baseline).toFixed(0)} MB at peak.`,
    );
  for (const s of skipped) lines.push(`- ${s}.`);
  return lines.join('\n');
}

function generatedSection(x: {
  m: Machine;
  disk: ReturnType<typeof diskOf>;
  load: [string, string];
  argv: string[];
  baseline: number;
  table: string;
  summary: string;
}): string {
  const { m, disk } = x;
  const command = ['npm run bench -- image', ...x.argv.filter((a) => a !== '--write')].join(' ');
  return [
    `Last run ${m.date} (\`${command}\`) on ${m.nproc} CPUs (\`nproc\`), ${m.cpu}, ${m.memory} RAM, Node ${m.node},`,
    `${m.os}; load average ${x.load[0]} before, ${x.load[1]} after. Disk: ${disk.device} (${disk.fstype}),`,
    `${(disk.free / GiB).toFixed(0)} GiB free. Server RSS at rest (after a 64 MiB warm-up round trip): ${mb(x.baseline)} MB.`,
    'MB = 10^6 bytes, as dd prints it.',
    '',
    x.table,
    '',
    x.summary,
  ].join('\n');
}

const HAND_WRITTEN = `### What is measured

\`npm run bench -- image\` starts the control plane as \`npm start\` does (dashboard off) on a throwaway database, with
its STATE_DIR (where the filesystem store keeps images) in a temporary directory on the same file system as the
repository, and forks a client process (\`bench/lib/transfer.ts\`, node:http). For each size (\`--sizes\`, GiB,
default 1 and 4; a size is skipped unless the disk has three times it free) it measures \`dd\` on that disk, O_DIRECT,
bs=4M, the same size (write from /dev/zero, then read, then the file is removed), then creates a raw image
(\`POST /image/v2/images\`), uploads it (\`PUT .../file\`, \`application/octet-stream\`, a random 1 MiB block sent over
and over, with Content-Length), flushes the stored file and drops it from the page cache (\`sync FILE\`; \`dd
iflag=nocache count=0\`), downloads it (\`GET .../file\`, bytes counted and discarded), downloads it once more from
the page cache, and deletes it. Times run from the request's first byte to the response's last; MB/s are 10^6 bytes
per second.

The server runs in the benchmark's process; its RSS is sampled every 50 ms and read from the kernel's high-water mark
(\`VmHWM\`, reset through \`/proc/self/clear_refs\` before each transfer), and *peak RSS growth* is the largest of
these over the RSS at rest, taken after a 64 MiB warm-up round trip. *Server CPU* is the benchmark process's CPU over
the transfer, in cores. *bare node:http* is the ceiling of the transfer itself on this machine: the same client
against a node:http server in the same process that drops what it receives and sends one block over and over (no
disk, no checksums); \`--no-ceiling\` skips it. *rest of machine* is what every other program used meanwhile (the
client excluded): when it is large, the server did not have the machine to itself. \`--wait-idle 60\` waits for a
quiet machine before each size.
`;
