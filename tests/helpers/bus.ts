import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';

/** The machine's shared RabbitMQ; test files share it in parallel, each under its own prefix. */
export const TEST_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** A unique bus prefix per test file, so parallel files never see each other's queues. */
export const testBusPrefix = (): string => `t_${randomBytes(5).toString('hex')}`;

/** Deletes the named queues and exchanges (both operations are no-ops for names that do not exist). */
export async function deleteBusTopology(
  names: { queues: Iterable<string>; exchanges: Iterable<string> },
  url = TEST_AMQP_URL,
  timeoutMs = 15_000,
): Promise<void> {
  const conn = await amqp.connect(url, { timeout: 5_000 });
  const work = (async () => {
    const ch = await conn.createChannel();
    for (const q of names.queues) await ch.deleteQueue(q);
    for (const e of names.exchanges) await ch.deleteExchange(e);
    await ch.close();
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bus cleanup timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    await conn.close().catch(() => undefined);
  }
}

/** Closes AMQP buses, then deletes every durable queue and exchange they declared: one call for an afterAll. */
export async function closeAndDeleteBuses(
  buses: { close(): Promise<void>; topology(): { queues: string[]; exchanges: string[] } }[],
  url = TEST_AMQP_URL,
): Promise<void> {
  await Promise.all(buses.map((b) => b.close()));
  const queues = new Set(buses.flatMap((b) => b.topology().queues));
  const exchanges = new Set(buses.flatMap((b) => b.topology().exchanges));
  await deleteBusTopology({ queues, exchanges }, url);
}

/**
 * Every queue and exchange under `prefix` on the machine's broker, for suites whose queues other processes declared
 * (agent processes): rabbitmqctl lists them all. Best effort: leftovers under a random prefix harm no other test.
 */
export function deletePrefixTopology(prefix: string): void {
  try {
    const list = (what: string) =>
      execFileSync('rabbitmqctl', ['-q', `list_${what}`, 'name'], { encoding: 'utf8', timeout: 20_000 })
        .split('\n')
        .map((l) => l.trim())
        .filter((n) => n.startsWith(`${prefix}.`));
    for (const q of list('queues')) execFileSync('rabbitmqctl', ['-q', 'delete_queue', q], { timeout: 20_000 });
    for (const e of list('exchanges'))
      execFileSync('rabbitmqadmin', ['delete', 'exchange', `name=${e}`], { timeout: 20_000, stdio: 'ignore' });
  } catch {
    // see above
  }
}

/** Polls until `check` returns true; tests wait for a state, never for a fixed time. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A throw-away RabbitMQ node for tests that must stop or kill the broker, which the shared one cannot be.
 * It gets its own node name, ports, data and log dirs, an empty plugin list and its own config file (the system
 * rabbitmq.conf pins the listener to 5672, the shared node's port). HOME points at the temp dir, whose
 * .erlang.cookie is shared by the node and rabbitmqctl, so the CLI talks to this node and never to the shared one.
 * The Debian /usr/sbin wrappers are bypassed: as root they re-run everything as the rabbitmq user.
 */
export interface PrivateRabbit {
  url: string;
  node: string;
  ctl(...args: string[]): Promise<string>;
  /** SIGKILL the node (no clean shutdown), then start it again on the same data dir. */
  killAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

const RABBIT_BIN_DIR = existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server') ? '/usr/lib/rabbitmq/bin' : '';
const bin = (name: string) => (RABBIT_BIN_DIR ? join(RABBIT_BIN_DIR, name) : name);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function amqpAccepts(url: string): Promise<boolean> {
  try {
    const conn = await amqp.connect(url, { timeout: 1_000 });
    await conn.close();
    return true;
  } catch {
    return false;
  }
}

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function startPrivateRabbit({ startTimeoutMs = 60_000 } = {}): Promise<PrivateRabbit> {
  const dir = await mkdtemp(join(tmpdir(), 'cumulo-rabbit-'));
  const [port, distPort] = [await freePort(), await freePort()];
  const node = `cumulo-test-${randomBytes(4).toString('hex')}@localhost`;
  await writeFile(join(dir, '.erlang.cookie'), randomBytes(16).toString('hex').toUpperCase());
  await chmod(join(dir, '.erlang.cookie'), 0o400);
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  await writeFile(join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\n`);
  await writeFile(join(dir, 'rabbitmq-env.conf'), '');
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('RABBITMQ_') && !k.startsWith('ERL_')),
  );
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    HOME: dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_MNESIA_DIR: join(dir, 'mnesia', node),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'node.pid'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
  };
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const launch = async () => {
    const out = openSync(join(dir, 'node.out'), 'a');
    // Own process group, so stop() can take down the shell wrapper, beam and its helpers in one signal.
    child = spawn(bin('rabbitmq-server'), [], { env, cwd: dir, detached: true, stdio: ['ignore', out, out] });
    closeSync(out);
    const deadline = Date.now() + startTimeoutMs;
    while (!(await amqpAccepts(url))) {
      if (child.exitCode !== null) throw new Error(`private RabbitMQ exited early; see ${join(dir, 'node.out')}`);
      if (Date.now() > deadline) throw new Error(`private RabbitMQ not up after ${startTimeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const killGroup = async (signal: NodeJS.Signals, graceMs: number) => {
    const pid = child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + graceMs;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    while (groupAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  };

  // Best effort if the test process dies without running afterAll: never leave a stray broker behind.
  const onExit = () => {
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', onExit);

  try {
    await launch();
  } catch (err) {
    await killGroup('SIGKILL', 1_000);
    throw err;
  }

  return {
    url,
    node,
    ctl: (...args) =>
      new Promise((resolve, reject) =>
        execFile(
          bin('rabbitmqctl'),
          ['-n', node, ...args],
          { env, cwd: dir, timeout: 30_000 },
          (err, stdout, stderr) =>
            err ? reject(new Error(`rabbitmqctl ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout),
        ),
      ),
    killAndRestart: async () => {
      await killGroup('SIGKILL', 0);
      await launch();
    },
    stop: async () => {
      process.removeListener('exit', onExit);
      // Its data is thrown away, so there is nothing to shut down cleanly for.
      await killGroup('SIGKILL', 0);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
