import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

const dirs: string[] = [];
const running: EmbeddedPostgres[] = [];

function tempDir(mode: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-epg-'));
  fs.chmodSync(dir, mode);
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string): Promise<EmbeddedPostgres> {
  const p = await startEmbeddedPostgres({ dataDir });
  running.push(p);
  // as root in a private directory the cluster lives elsewhere: clean that up too
  if (!dirs.includes(p.dataDir)) dirs.push(p.dataDir);
  return p;
}

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function until(cond: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error('timed out');
  }
}

const postmasterPid = (dataDir: string) =>
  Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

/** Starts the cluster in another Node process and returns its URL; the caller kills that process. */
function startInChild(dataDir: string): Promise<{ url: string; kill(): Promise<void> }> {
  // tsx loads the module as CommonJS here, so its exports may sit under `default`
  const code = `import(process.argv[1]).then(async (m) => {
    const p = await (m.startEmbeddedPostgres ? m : m.default).startEmbeddedPostgres({ dataDir: process.argv[2] });
    console.log('READY ' + p.url);
    setInterval(() => {}, 1000);
  })`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '-e', code, path.resolve(__dirname, 'embedded-postgres.ts'), dataDir],
    {
      cwd: path.resolve(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`child not ready: ${out}`))), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        resolve({ url: m[1]!, kill: () => (child.kill('SIGKILL'), exited) });
      }
    });
    child.on('exit', (c) => reject(new Error(`child exited (${c}): ${out}`)));
  });
}

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  for (const d of dirs) {
    const pid = fs.existsSync(path.join(d, 'postmaster.pid')) ? postmasterPid(d) : 0;
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL'); // a server a failed test left behind
    fs.rmSync(d, { recursive: true, force: true });
  }
});

describe('embedded PostgreSQL', () => {
  it('keeps its data across a stop and a start on the same directory', async () => {
    const dataDir = path.join(tempDir(0o755), 'postgres');
    const first = await start(dataDir);
    await sql(first.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$hello$$)');
    await first.stop();

    const second = await start(dataDir);
    expect(second.port).toBe(first.port);
    expect((await sql(second.url, 'SELECT v FROM kept')).rows).toEqual([{ v: 'hello' }]);
    await second.stop();
    await expect(sql(second.url, 'SELECT 1')).rejects.toThrow();
  }, 120_000);

  it('starts again after its Node process or its server was killed', async () => {
    // mode 0700: as root, the unprivileged PostgreSQL account cannot enter it, so this also covers the fallback
    const dataDir = path.join(tempDir(0o700), 'postgres');
    const crashed = await startInChild(dataDir);
    await sql(crashed.url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$survives$$)');
    const real = fs.realpathSync(dataDir);
    dirs.push(real);
    await crashed.kill(); // SIGKILL: its server is orphaned, still running, postmaster.pid in place

    const orphan = postmasterPid(real);
    expect(alive(orphan)).toBe(true);
    const adopted = await start(dataDir);
    expect(alive(orphan)).toBe(false);
    expect((await sql(adopted.url, 'SELECT v FROM kept')).rows).toEqual([{ v: 'survives' }]);

    const pid = postmasterPid(real);
    process.kill(pid, 'SIGKILL'); // the server itself dies: postmaster.pid is left behind
    await until(() => !alive(pid), 10_000);
    expect(fs.existsSync(path.join(real, 'postmaster.pid'))).toBe(true);
    const restarted = await start(dataDir);
    expect((await sql(restarted.url, 'SELECT v FROM kept')).rows).toEqual([{ v: 'survives' }]);
    await restarted.stop();
  }, 180_000);
});
