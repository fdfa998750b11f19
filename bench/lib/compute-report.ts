import type { Accounting } from './accounting';
import type { LockSample } from './lock-sampler';
import { percentile, type BootSample, type DeleteSample } from './boot-load';
import type { RealRun } from './real-vm';
import { fmtMs, markdownTable, type Machine } from './report';

export type Figures = {
  N: number;
  H: number;
  C: number;
  room: number;
  see: string;
  bus: string;
  boots: BootSample[];
  bootWall: number;
  deletes: DeleteSample[];
  deleteWall: number;
  /** Scheduler outcomes (placements and no-valid-host) committed during the boot phase. */
  decisions: number;
  /** This process (control plane, hosts and client) over the boot phase, in cores; and everything else. */
  serverCpu: number;
  rest: number;
  elu: number;
  /** CPU of this process per boot (boot phase) and per delete (delete phase), ms: steadier than rates on a busy machine. */
  cpuPerBoot: number;
  /** What PostgreSQL showed of the control plane's sessions during the boot phase. */
  locks: LockSample;
  /** The event loop's thread over the boot phase: fraction of the time on a CPU, and runnable but waiting for one. */
  mainThread: { onCpu: number; waiting: number };
  /** CPU of this process with the hosts up and nothing booting (10 s), in cores. */
  idleCores: number;
  cpuPerDelete: number;
  afterBoot: Accounting;
  afterDelete: Accounting;
  rss: { rest: number; hosts: number; booted: number; after: number };
  real?: RealRun[];
};

const TARGET_P50_MS = 250;
const TARGET_REAL_MS = 3000;
const NOVA = { buildsPerS: 2.3, p50: 7300, p95: 14_000, deleteP50: 3800 };

const spans = <T>(xs: T[], f: (x: T) => number | undefined) =>
  xs.map(f).filter((x): x is number => x !== undefined && Number.isFinite(x));
const p = (xs: number[], q: number) => fmtMs(percentile(xs, q));
const triple = (xs: number[]) => `${p(xs, 50)} / ${p(xs, 95)} / ${p(xs, 99)}`;

function derived(f: Figures) {
  const ok = f.boots.filter((b) => b.active !== undefined);
  const apiToActive = spans(ok, (b) => b.active! - b.sent);
  const lastActive = Math.max(...ok.map((b) => b.active!));
  const firstSent = Math.min(...f.boots.map((b) => b.sent));
  const gone = f.deletes.filter((d) => d.gone !== undefined);
  return {
    ok,
    failed: f.boots.filter((b) => b.failed),
    apiToActive,
    confirmLag: spans(ok, (b) => (b.confirmed ?? NaN) - b.active!),
    post: spans(f.boots, (b) => (b.accepted === undefined ? undefined : b.accepted - b.sent)),
    scheduling: spans(ok, (b) => (b.placed === undefined ? undefined : b.placed - b.accepted!)),
    building: spans(ok, (b) => (b.placed === undefined ? undefined : b.active! - b.placed)),
    buildsPerS: ok.length ? ok.length / ((lastActive - firstSent) / 1000) : NaN,
    decisionsPerS: f.decisions / (f.bootWall / 1000),
    deleteToGone: spans(gone, (d) => d.gone! - d.sent),
    deleteAnswered: spans(f.deletes, (d) => (d.answered === undefined ? undefined : d.answered - d.sent)),
    deletesFailed: f.deletes.filter((d) => d.failed),
  };
}

export function phaseLine(what: 'boot' | 'delete', samples: (BootSample | DeleteSample)[], wallMs: number): string {
  const failed = samples.filter((s) => s.failed);
  const firstFailures = [...new Set(failed.map((s) => s.failed))].slice(0, 3).join('; ');
  if (what === 'boot') {
    const ok = (samples as BootSample[]).filter((b) => b.active !== undefined);
    const t = spans(ok, (b) => b.active! - b.sent);
    return `           ${ok.length} ACTIVE in ${(wallMs / 1000).toFixed(1)} s (${(ok.length / (wallMs / 1000)).toFixed(1)}/s), API→ACTIVE p50 ${p(t, 50)} p95 ${p(t, 95)} p99 ${p(t, 99)}; ${failed.length} failed${failed.length ? ` (${firstFailures})` : ''}`;
  }
  const ok = (samples as DeleteSample[]).filter((d) => d.gone !== undefined);
  const t = spans(ok, (d) => d.gone! - d.sent);
  return `           ${ok.length} gone in ${(wallMs / 1000).toFixed(1)} s, delete→gone p50 ${p(t, 50)} p95 ${p(t, 95)}; ${failed.length} failed${failed.length ? ` (${firstFailures})` : ''}`;
}

export const lockLine = (l: LockSample) =>
  `           database sessions (boot phase, ${l.samples} samples): ${l.meanActive.toFixed(1)} running a statement, ` +
  `${l.meanWaiting.toFixed(1)} waiting for a lock on average` +
  (l.waitingIn.length
    ? `; waiting in: ${l.waitingIn.map((w) => `${w.mean.toFixed(1)} × ${w.statement}`).join(' | ')}`
    : '');

export function realLine(runs: RealRun[]): string[] {
  return runs.map((r, i) => {
    const b = r.boot;
    const active = b.active !== undefined ? fmtMs(b.active - b.sent) : `– (${b.failed})`;
    const console = r.consoleAt !== undefined ? fmtMs(r.consoleAt - b.sent) : `– (${r.consoleFailed ?? 'not ACTIVE'})`;
    const gone = r.del?.gone !== undefined ? fmtMs(r.del.gone - r.del.sent) : `– (${r.del?.failed ?? 'not deleted'})`;
    return `           run ${i + 1}: API→ACTIVE ${active}, API→banner on the console ${console}, delete→gone ${gone} (host ${b.host ?? '?'})`;
  });
}

export function resultTable(f: Figures): string {
  const d = derived(f);
  const a = f.afterBoot;
  const rows: string[][] = [
    ['servers ACTIVE / failed', `${d.ok.length} / ${d.failed.length} of ${f.N}`, '200 booted', 'all'],
    [
      'API→ACTIVE p50 / p95 / p99',
      triple(d.apiToActive),
      `${fmtMs(NOVA.p50)} / ${fmtMs(NOVA.p95)} / –`,
      `p50 < ${TARGET_P50_MS} ms`,
    ],
    ['  POST /servers answered (202) p50 / p95 / p99', triple(d.post), '–', ''],
    ['  202 → placed by the scheduler p50 / p95 / p99', triple(d.scheduling), '–', ''],
    ['  placed → ACTIVE (host builds, conductor commits) p50 / p95 / p99', triple(d.building), '–', ''],
    ['builds per second', d.buildsPerS.toFixed(1), String(NOVA.buildsPerS), ''],
    ['scheduler decisions per second (boot phase)', d.decisionsPerS.toFixed(1), '–', ''],
    ['delete→gone p50 / p95 / p99', triple(d.deleteToGone), `${fmtMs(NOVA.deleteP50)} / – / –`, ''],
    ['deletes failed', `${d.deletesFailed.length} of ${f.deletes.length}`, '–', '0'],
    ['double-bookings: hosts over capacity (all ACTIVE)', `${a.overCommitted.length} of ${a.hosts.length}`, '–', '0'],
    [
      "hosts whose *Used counters ≠ their instances' flavors (all ACTIVE / all deleted)",
      `${a.countersWrong.length} / ${f.afterDelete.countersWrong.length}`,
      '–',
      '0',
    ],
    [
      'claim rows wrong (all ACTIVE / all deleted)',
      `${a.claimMismatches} / ${f.afterDelete.claimMismatches}`,
      '–',
      '0',
    ],
    [
      'hosts whose hypervisor domains ≠ instances (all ACTIVE / all deleted)',
      `${a.domainsWrong.length} / ${f.afterDelete.domainsWrong.length}`,
      '–',
      '0',
    ],
    [
      'hosts whose runningVms ≠ instances (all ACTIVE / all deleted)',
      `${a.runningVmsWrong.length} / ${f.afterDelete.runningVmsWrong.length}`,
      '–',
      '',
    ],
    [
      'CPU of this process per boot / per delete (control plane, hosts and clients)',
      `${fmtMs(f.cpuPerBoot)} / ${fmtMs(f.cpuPerDelete)}`,
      '–',
      '',
    ],
    [
      'RSS: at rest / with hosts / all ACTIVE / after the run',
      `${f.rss.rest.toFixed(0)} / ${f.rss.hosts.toFixed(0)} / ${f.rss.booted.toFixed(0)} / ${f.rss.after.toFixed(0)} MB`,
      '3.6 GiB at rest (28 processes)',
      '',
    ],
    [
      'CPU during the boot phase: this process / rest of machine (cores); event loop busy',
      `${f.serverCpu.toFixed(2)} / ${Math.max(0, f.rest).toFixed(2)}; ${(100 * f.elu).toFixed(0)} %`,
      'CPU-bound (¾ of both cores)',
      '',
    ],
    ['CPU of this process with the hosts up and idle (cores)', f.idleCores.toFixed(2), '–', ''],
    [
      'event loop thread (boot phase): on a CPU / ready but waiting for a CPU (share of the time)',
      `${(100 * f.mainThread.onCpu).toFixed(0)} % / ${(100 * f.mainThread.waiting).toFixed(0)} %`,
      '–',
      '',
    ],
    [
      'database sessions running a statement / of them waiting for a row lock (boot phase, mean)',
      `${f.locks.meanActive.toFixed(1)} / ${f.locks.meanWaiting.toFixed(1)}`,
      '–',
      '',
    ],
    ...f.locks.waitingIn
      .filter((w) => w.mean >= 0.1)
      .map((w) => [`  waiting in \`${w.statement.trim().slice(0, 60)}…\``, w.mean.toFixed(1), '–', '']),
  ];
  if (f.real?.length) {
    const act = spans(f.real, (r) => (r.boot.active === undefined ? undefined : r.boot.active - r.boot.sent));
    const con = spans(f.real, (r) => (r.consoleAt === undefined ? undefined : r.consoleAt - r.boot.sent));
    const each = (xs: number[]) => xs.map(fmtMs).join(', ') || '–';
    rows.push(
      [`real tiny guest (qemu TCG): API→ACTIVE, ${f.real.length} runs`, each(act), '–', `< ${TARGET_REAL_MS / 1000} s`],
      ['real tiny guest: API→banner on the console', each(con), '–', ''],
    );
  }
  return markdownTable(['measure', 'Cumulo', 'Nova 26, fake driver (ANCHORS.md)', 'target'], rows);
}

export function verdict(f: Figures): string {
  const d = derived(f);
  const p50 = percentile(d.apiToActive, 50);
  const lines = [
    `- API→ACTIVE p50 ${fmtMs(p50)} over ${f.N} boots at c=${f.C} on ${f.H} hosts — target < ${TARGET_P50_MS} ms: ${p50 < TARGET_P50_MS && d.failed.length === 0 ? 'met' : 'NOT met'}.`,
    `- Double-booking: ${f.afterBoot.overCommitted.length} hosts over capacity with every server ACTIVE (every host filled to its room of ${f.room}), counters wrong on ${f.afterBoot.countersWrong.length} — target 0: ${f.afterBoot.overCommitted.length === 0 && f.afterBoot.countersWrong.length === 0 && f.afterBoot.claimMismatches === 0 ? 'met' : 'NOT met'}.`,
    `- Against Nova 26 with its fake driver (200 boots at c=20 on 10 hosts, polling): ${d.buildsPerS.toFixed(1)} builds/s against 2.3 (×${(d.buildsPerS / NOVA.buildsPerS).toFixed(0)}), API→ACTIVE p50 ${fmtMs(p50)} against 7.3 s, delete→gone p50 ${fmtMs(percentile(d.deleteToGone, 50))} against 3.8 s.`,
  ];
  if (d.confirmLag.length && f.see === 'notifications')
    lines.push(
      `- A GET right after each ACTIVE notification showed ACTIVE for ${d.confirmLag.length} of ${d.ok.length} servers (it came ${fmtMs(percentile(d.confirmLag, 50))} later at the median).`,
    );
  if (f.real?.length) {
    const act = spans(f.real, (r) => (r.boot.active === undefined ? undefined : r.boot.active - r.boot.sent));
    const worst = act.length === f.real.length ? Math.max(...act) : NaN;
    lines.push(
      `- Real tiny guest on qemu:///system: API→ACTIVE at most ${fmtMs(worst)} over ${f.real.length} runs — target < ${TARGET_REAL_MS / 1000} s: ${worst < TARGET_REAL_MS ? 'met' : 'NOT met'}.`,
    );
  }
  return lines.join('\n');
}

export function generatedSection(x: {
  m: Machine;
  figures: Figures;
  argv: string[];
  load: [string, string];
  database: string;
  table: string;
  summary: string;
}): string {
  const { m, figures: f } = x;
  return [
    `Last run ${m.date} (\`${['npm run bench -- compute', ...x.argv].join(' ')}\`) on ${m.nproc} CPUs (\`nproc\`), ${m.cpu}, ${m.memory} RAM, Node ${m.node},`,
    `${m.os}; load average ${x.load[0]} before, ${x.load[1]} after.`,
    `Database: ${x.database.replace(/cumulo_bench_\w+/, 'cumulo_bench_<rand>')}. Bus: ${f.bus}.`,
    `${f.N} servers (1 vCPU, 128 MB, 1 GB) booted at concurrency ${f.C} onto ${f.H} simulated hosts with room for ${f.room} each, then deleted at the same concurrency; ACTIVE and gone seen by ${f.see}.`,
    '',
    x.table,
    '',
    x.summary,
  ].join('\n');
}

export const HAND_WRITTEN = `### What is measured

\`npm run bench -- compute\` starts the control plane as \`npm start\` does (\`startControlPlane\`, NODE_ENV=production,
no dashboard, no compute host of its own, no default image) on a throwaway database, then H simulated compute hosts in
the same process: each its own compute agent (\`startComputeAgent\`) on its own bus connection, driving libvirt's test
hypervisor (\`makeDriver('test')\`, 8 vCPU, 16 GiB, and a disk of \`--room\` GB, so that with the 1 vCPU / 128 MB /
1 GB flavor every host has room for exactly N/H servers and the run fills every host to the last slot). With
\`--amqp URL\` the control plane and every host talk over that RabbitMQ under a fresh BUS_PREFIX, whose queues and
exchanges are deleted afterwards; by default it is the in-process bus.

- **Boot phase.** C clients in a closed loop: \`POST /servers\` (admin project, quota unlimited, \`networks: none\`),
  wait until the server is ACTIVE, boot the next, until N are ACTIVE. *API→ACTIVE* runs from the moment the POST is
  sent to the moment this process receives the lifecycle's \`instance.<project>.instance.update\` notification showing
  ACTIVE, which is published right after the transition committed (what the socket.io relay forwards to dashboards).
  A \`GET /servers/{id}\` is then made at once and must show ACTIVE (the summary says for how many it did, and how much
  later its answer came). \`--poll <ms>\` measures as the anchor did instead: GET every <ms> until one shows ACTIVE.
  The same notifications give the split: *202 → placed* is until the scheduler's claim and move to the host committed,
  *placed → ACTIVE* the host's build and the conductor's commit. *Builds per second*: servers ACTIVE over the time from
  the first POST to the last ACTIVE. *Scheduler decisions per second*: placements and no-valid-host outcomes committed
  during the boot phase over its length (with a closed loop this follows the rate of boots: it is the scheduler's
  output, not its ceiling; *202 → placed* shows whether requests queue in front of it).
- **Double-booking check**, with every server ACTIVE and again after the delete phase, in the database the control
  plane committed to: for every host, the sum of its live instances' flavors (the claims' arithmetic,
  \`resourcesOf\`) against floor(capacity × allocation ratio), and the \`vcpusUsed\`/\`memoryMbUsed\`/\`diskGbUsed\`
  counters against that sum; every live placed instance has exactly one claim row on its host and no claim belongs to
  a deleted one; each host's hypervisor holds exactly as many domains as the database has instances there;
  \`runningVms\` is compared too, but is not a claim counter (the heartbeat report overwrites it with the driver's
  domain count, so it can lag for up to one heartbeat).
- **Delete phase.** The same C clients \`DELETE\` each server and wait for the notification with \`deleted: true\`
  (*delete→gone*), then check that a GET answers 404.
- **Real guest** (\`--real\`, on by default when running as root and libvirtd answers on qemu:///system): a compute host
  on qemu:///system in its own availability zone joins after the simulated phase; the \`tiny\` AMI is registered from
  scripts/build-tiny-image.sh's cache (\`ensureDefaultImage\`, as \`npm start\` does); three boots one after another
  (flavor 1 vCPU, 256 MB), each timed to ACTIVE and to the first \`os-getConsoleOutput\` that shows the guest's banner
  (\`Cumulo tiny guest … booted\`, polled every 100 ms), then deleted.
- **Memory**: RSS of the benchmark process: at rest (control plane started, before any host), with the H hosts,
  with N servers ACTIVE, and after the run. PostgreSQL (the machine's, shared) is not included.
- **Where the time goes**: CPU of this process per boot and per delete; the event loop's main thread from
  \`/proc/self/task/<pid>/schedstat\` (share of the boot phase on a CPU, and runnable but waiting for one: other
  programs' load); and pg_stat_activity sampled every 100 ms: how many of the control plane's connections are running a
  statement, how many of those wait for a row lock, and in which statement. \`--profile\` writes a CPU profile of the
  boot phase to .bench/compute-boot.cpuprofile.

Everything stops by itself: each server is given 120 s, the whole run \`--timeout\` (600 s + 0.5 s per server);
Ctrl-C, an error or the time limit close the hosts and the control plane, destroy the real guests, delete the bus
topology and drop the database. All traffic is to 127.0.0.1.
`;
