import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * OpenStack's conformance suite, Tempest (Debian's `tempest` package), run against a test stack. Tempest runs in its
 * own processes; it is started asynchronously and never waited for synchronously, because the stack it talks to runs
 * in this process and must keep answering.
 */

/** Whether `tempest` is on the PATH (looked up without running it: starting Python costs seconds). */
export function tempestInstalled(): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, 'tempest'), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export type TempestStatus = 'ok' | 'FAILED' | 'SKIPPED';

export type TempestResult = {
  /** Status of every test that reported one, by its id (`tempest.api....Class.test_name`, without attributes). */
  statuses: Map<string, TempestStatus>;
  passed: string[];
  failed: string[];
  skipped: string[];
  /** `setUpClass (tempest....Class)` and the like: fixtures that failed, whose tests then report nothing. */
  fixtureFailures: string[];
  /** Fixtures that skipped their whole class (a feature turned off in tempest.conf). */
  fixtureSkips: string[];
  /** Everything tempest printed (stdout and stderr, interleaved). */
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
};

/** `{1} tempest.api.identity.v3.test_x.Class.test_y [0.01s] ... ok` (attributes such as `[id-…,smoke]` may follow the name). */
const RESULT_LINE = /^\{\d+\} (\S+?)(?:\[[^\]\s]*\])?(?: \[[\d.]+s\])? \.\.\. (ok|FAILED|SKIPPED)\b/;
/** `{0} setUpClass (tempest.api.identity.admin.v3.test_roles.RolesV3TestJSON) [0.000000s] ... FAILED` */
const FIXTURE_LINE =
  /^\{\d+\} ((?:setUpClass|tearDownClass|setUpModule|tearDownModule) \(\S+\))(?: \[[\d.]+s\])? \.\.\. (FAILED|SKIPPED)/;

/** Reads stestr's per-test lines out of `tempest run` output. */
export function parseTempestOutput(
  output: string,
): Pick<TempestResult, 'statuses' | 'passed' | 'failed' | 'skipped' | 'fixtureFailures' | 'fixtureSkips'> {
  const statuses = new Map<string, TempestStatus>();
  const fixtureFailures: string[] = [];
  const fixtureSkips: string[] = [];
  for (const line of output.split('\n')) {
    const fixture = FIXTURE_LINE.exec(line);
    if (fixture) {
      (fixture[2] === 'FAILED' ? fixtureFailures : fixtureSkips).push(fixture[1]!);
      continue;
    }
    const m = RESULT_LINE.exec(line);
    if (!m) continue;
    const [, name, status] = m as unknown as [string, string, TempestStatus];
    // a test reported twice (a retry) counts by its worst outcome
    if (statuses.get(name) !== 'FAILED') statuses.set(name, status);
  }
  const having = (s: TempestStatus) =>
    [...statuses]
      .filter(([, v]) => v === s)
      .map(([k]) => k)
      .sort();
  return {
    statuses,
    passed: having('ok'),
    failed: having('FAILED'),
    skipped: having('SKIPPED'),
    fixtureFailures,
    fixtureSkips,
  };
}

/** The part of the output that explains why a test failed (its traceback and captured logs), shortened. */
export function failureDetails(output: string, test: string, maxChars = 3000): string {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.includes(` ${test} `) && l.includes('... FAILED'));
  if (start < 0) return '(no output for this test: its class fixture may have failed, or it did not run)';
  const end = lines.findIndex((l, i) => i > start && /^\{\d+\} /.test(l));
  const text = lines.slice(start, end < 0 ? undefined : end).join('\n');
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n…` : text;
}

/** The baseline file: one test id a line, sorted; blank lines and # comments ignored. */
export function readBaseline(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

export type TempestRun = {
  identityUrl: string;
  adminPassword: string;
  /** stestr selection regex, e.g. `^tempest\.api\.identity\.(admin\.v3|v3)\.` */
  regex: string;
  /** tempest.conf with {{IDENTITY_URI}}, {{ADMIN_PASSWORD}} and {{LOG_DIR}} to fill in. */
  configTemplate: string;
  concurrency?: number;
  /** The whole run is killed (its process group) past this. */
  timeoutMs?: number;
};

/**
 * Runs `tempest run` in a throw-away directory holding only the config file (no `tempest init`, so nothing is
 * registered in ~/.tempest), and returns what each test did. The directory is removed afterwards; the output is
 * returned whole for diagnosis.
 */
export async function runTempest(opts: TempestRun): Promise<TempestResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cumulo-tempest-'));
  const started = Date.now();
  try {
    const conf = path.join(dir, 'tempest.conf');
    const template = fs.readFileSync(opts.configTemplate, 'utf8');
    fs.writeFileSync(
      conf,
      template
        .replaceAll('{{IDENTITY_URI}}', opts.identityUrl)
        .replaceAll('{{ADMIN_PASSWORD}}', opts.adminPassword)
        .replaceAll('{{LOG_DIR}}', dir),
    );
    // nothing from the caller's OpenStack or proxy settings leaks in
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !k.startsWith('OS_') && !/^(https?|all|no)_proxy$/i.test(k)) env[k] = v;
    }
    Object.assign(env, {
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      PYTHONDONTWRITEBYTECODE: '1',
    });
    const args = ['run', '--config-file', conf, '--concurrency', String(opts.concurrency ?? 2), '--regex', opts.regex];
    const { output, exitCode, timedOut } = await new Promise<{
      output: string;
      exitCode: number | null;
      timedOut: boolean;
    }>((resolve, reject) => {
      // its own process group, so a timeout ends stestr's workers too
      const child = spawn('tempest', args, { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.stderr.on('data', (c: Buffer) => chunks.push(c));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, opts.timeoutMs ?? 240_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ output: Buffer.concat(chunks).toString('utf8'), exitCode: code, timedOut });
      });
    });
    return { ...parseTempestOutput(output), output, exitCode, timedOut, durationMs: Date.now() - started };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
