/**
 * `npm run bench -- compute [options]`: boots N servers at concurrency C onto H simulated compute hosts (libvirt's
 * test hypervisor, each host its own agent on its own bus connection, in this process) through the Nova API, checks
 * that no host was double-booked, deletes them all, and boots the real `tiny` guest on qemu:///system a few times.
 * See `--help`, and docs/benchmarks.md (Compute) for what each figure means.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { randomToken } from '../server/lib/ids';
import { accountingLine, checkAccounting } from './lib/accounting';
import { bootOne, closedLoop, deleteOne, type SeeBy } from './lib/boot-load';
import { wholeArg, secondsArg } from './lib/args';
import { Cleanup } from './lib/cleanup';
import {
  generatedSection,
  HAND_WRITTEN,
  lockLine,
  phaseLine,
  realLine,
  resultTable,
  verdict,
  type Figures,
} from './lib/compute-report';
import { InstanceWatch } from './lib/instance-watch';
import { startLockSampler } from './lib/lock-sampler';
import { novaClient, uploadRawImage } from './lib/nova';
import { profiled } from './lib/profile';
import { realVmPossible, realVmRuns } from './lib/real-vm';
import { loadAverage, machine, machineBusySeconds, writeSection } from './lib/report';
import { benchBus, startSimHosts, type BusChoice } from './lib/sim-hosts';
import { adminToken, startBenchStack } from './lib/stack';

const HELP = `usage: npm run bench -- compute [options]

  --instances <N>    servers to boot and delete (default 1000)
  --hosts <H>        simulated compute hosts (default 100)
  --concurrency <C>  boots (then deletes) in flight at once, each client waiting for its server (default 50)
  --room <n>         servers each simulated host has room for (its disk, in 1 GB flavors; default ceil(N/H): the run
                     fills every host exactly, so any double-booking or lost claim shows)
  --poll <ms>        learn ACTIVE/gone by polling GET /servers/{id} every <ms> (the anchor's method) instead of
                     from the instance notifications on the bus (default)
  --amqp <url>       run the control plane and every host on RabbitMQ (a unique BUS_PREFIX; its queues are deleted
                     afterwards) instead of the in-process bus, e.g. amqp://guest:guest@127.0.0.1:5672
  --warmup <n>       boots and deletes before measuring (default 20)
  --real / --no-real boot the tiny guest on qemu:///system (default: on when root and libvirtd answers)
  --real-runs <n>    real boots, one after another (default 3)
  --tiny-cache <dir> build cache of scripts/build-tiny-image.sh (default /tmp/cumulo-tiny-image-cache, the tests')
  --pg <url>         PostgreSQL server for the throwaway database (default as for the identity bench)
  --embedded         use the embedded PostgreSQL even when another server is available
  --profile          CPU-profile this process during the boot phase (.bench/compute-boot.cpuprofile)
  --write            record the figures in docs/benchmarks.md (section "Compute")
  --timeout <s>      give up (cleaning up) after this long (default 600 + 0.5 per instance)`;

const MB = 2 ** 20;
/** The main thread's time on a CPU and waiting for one (ns, Linux schedstat); NaN elsewhere. */
const schedstat = (): [number, number] => {
  try {
    const [run, wait] = fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
    return [run!, wait!];
  } catch {
    return [NaN, NaN];
  }
};
const rss = () => process.memoryUsage().rss / MB;

export async function run(argv: string[] = []): Promise<void> {
  const { values: o } = parseArgs({
    args: argv,
    options: {
      instances: { type: 'string' },
      hosts: { type: 'string' },
      concurrency: { type: 'string' },
      room: { type: 'string' },
      poll: { type: 'string' },
      amqp: { type: 'string' },
      warmup: { type: 'string' },
      real: { type: 'boolean' },
      'no-real': { type: 'boolean' },
      'real-runs': { type: 'string' },
      'tiny-cache': { type: 'string' },
      pg: { type: 'string' },
      embedded: { type: 'boolean' },
      profile: { type: 'boolean' },
      write: { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (o.help) return void console.log(HELP);
  const N = wholeArg(o.instances, 1000, '--instances');
  const H = wholeArg(o.hosts, 100, '--hosts');
  const C = wholeArg(o.concurrency, 50, '--concurrency');
  const room = wholeArg(o.room, Math.ceil(N / H), '--room');
  const warmup = wholeArg(o.warmup, 20, '--warmup', 0);
  const realRuns = wholeArg(o['real-runs'], 3, '--real-runs', 0);
  const pollMs = o.poll === undefined ? undefined : wholeArg(o.poll, 0, '--poll', 1);
  if (room * H < N) throw new Error(`--room ${room} × --hosts ${H} holds fewer than --instances ${N}`);
  const timeoutS = secondsArg(o.timeout, 600 + 0.5 * N);
  const possible = realVmPossible();
  const real = o['no-real'] ? false : (o.real ?? possible.ok);
  if (real && !possible.ok) throw new Error(`--real: ${possible.why}`);
  const settleMs = 120_000;

  const m = machine();
  const cleanup = new Cleanup('bench compute');
  cleanup.limit(timeoutS * 1000);
  try {
    const loadAtStart = loadAverage();
    console.log(
      `machine:   ${m.nproc} CPUs (${m.cpu}), ${m.memory}, Node ${m.node}, ${m.os}; load average ${loadAtStart}`,
    );
    const bus: BusChoice = {
      prefix: `bench_${randomToken(6)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, 'x')}`,
      amqpUrl: o.amqp,
    };
    if (bus.amqpUrl && !/^amqps?:\/\/[^/]*@?(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(bus.amqpUrl))
      throw new Error('--amqp: only a broker on 127.0.0.1 (this benchmark sends traffic nowhere else)');
    const stack = await startBenchStack(cleanup, {
      pg: o.pg,
      embedded: o.embedded,
      dashboard: 'off',
      // no host of its own and no default image: the hosts and images are the benchmark's
      env: {
        COMPUTE_DRIVER: 'none',
        DEFAULT_IMAGE: 'none',
        BUS_PREFIX: bus.prefix,
        ...(bus.amqpUrl && { AMQP_URL: bus.amqpUrl }),
      },
    });
    const busDescribe = bus.amqpUrl
      ? `RabbitMQ ${bus.amqpUrl.replace(/\/\/[^@]*@/, '//')} (prefix ${bus.prefix})`
      : 'in-process';
    console.log(`database:  ${stack.database}`);
    console.log(`server:    ${stack.url} (in this process, pid ${process.pid}); bus ${busDescribe}`);

    const { token, projectId } = await adminToken(stack);
    const nova = novaClient(stack.url, token);
    await nova.unlimitedQuota(projectId);
    const flavorRef = await nova.createFlavor({ name: 'bench.sim', vcpus: 1, ram: 128, disk: 1 });
    const imageRef = await uploadRawImage(stack.url, token, 'bench-sim-image');
    const watchBus = benchBus(bus);
    const watch = await InstanceWatch.start(watchBus);
    cleanup.add('closing the watcher', async () => (await watch.stop(), await watchBus.close()));
    const see: SeeBy = pollMs ? { kind: 'poll', everyMs: pollMs } : { kind: 'notifications', watch };
    await new Promise((r) => setTimeout(r, 2000));
    const rssAtRest = rss();

    const hosts = await startSimHosts(cleanup, {
      ...bus,
      count: H,
      dir: path.join(stack.stateDir, 'hosts'),
      vcpus: 8,
      memoryMb: 16_384,
      diskGb: room,
    });
    for (let until = Date.now() + 60_000; (await checkAccounting(stack.databaseUrl)).hosts.length < H;) {
      if (Date.now() > until) throw new Error(`only some of the ${H} hosts registered within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const rssWithHosts = rss();
    // what H idle hosts cost (heartbeats and power-state reports every 10 s each, and the conductor recording them)
    const idle0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 10_000));
    const idleUsage = process.cpuUsage(idle0);
    const idleCores = (idleUsage.user + idleUsage.system) / 1e3 / 10_000;
    console.log(
      `hosts:     ${H} simulated (test:///, 8 vCPU, 16 GiB, ${room} GB disk each: room for ${room} of the 1 GB flavor); RSS ${rssAtRest.toFixed(0)} MB at rest, ${rssWithHosts.toFixed(0)} MB with the hosts`,
    );

    const boot = (i: number, prefix: string) =>
      bootOne(nova, see, watch, { name: `${prefix}-${i}`, imageRef, flavorRef }, settleMs);
    if (warmup) {
      const w = await closedLoop(warmup, C, (i) => boot(i, 'warm'));
      await closedLoop(w.length, C, (i) =>
        w[i]!.id ? deleteOne(nova, see, watch, w[i]!.id!, settleMs) : Promise.resolve(null),
      );
      console.log(`warm-up:   ${warmup} boots and deletes (${w.filter((s) => s.active).length} ACTIVE)`);
    }

    console.log(
      `\nboot:      ${N} servers at concurrency ${C}, ACTIVE seen by ${see.kind === 'poll' ? `polling every ${pollMs} ms` : 'notifications'} …`,
    );
    const cpu0 = process.cpuUsage();
    const busy0 = machineBusySeconds();
    const elu0 = performance.eventLoopUtilization();
    const sampler = await startLockSampler(stack.databaseUrl);
    const sched0 = schedstat();
    const t0 = performance.now();
    const bootPhase = () => closedLoop(N, C, (i) => boot(i, 'bench'));
    let profileSummary = '';
    const boots = o.profile
      ? await profiled(path.resolve('.bench/compute-boot.cpuprofile'), bootPhase).then(
          (r) => ((profileSummary = r.summary), r.value),
        )
      : await bootPhase();
    const bootWall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1e3;
    const serverCpu = cpuMs / bootWall;
    const rest = ((machineBusySeconds() - busy0) * 1000) / bootWall - serverCpu;
    const elu = performance.eventLoopUtilization(elu0).utilization;
    const locks = await sampler.stop();
    const sched = schedstat();
    const mainThread = {
      onCpu: (sched[0] - sched0[0]) / 1e6 / bootWall,
      waiting: (sched[1] - sched0[1]) / 1e6 / bootWall,
    };
    const decisions = watch.decisions.filter((t) => t >= t0 && t <= t0 + bootWall).length;
    console.log(phaseLine('boot', boots, bootWall));
    console.log(lockLine(locks));
    if (profileSummary)
      console.log(`\nCPU profile (self time, top functions) → .bench/compute-boot.cpuprofile\n${profileSummary}\n`);

    const domains = async () =>
      new Map(await Promise.all(hosts.map(async (h) => [h.host, (await h.driver.listDomains()).length] as const)));
    const afterBoot = await checkAccounting(stack.databaseUrl, await domains());
    console.log(`check:     ${accountingLine(afterBoot)}`);
    const rssAfterBoot = rss();

    const ids = boots.map((b) => b.id).filter((id): id is string => !!id);
    console.log(`delete:    ${ids.length} servers at concurrency ${C} …`);
    const d0 = performance.now();
    const dcpu0 = process.cpuUsage();
    const deletes = await closedLoop(ids.length, C, (i) => deleteOne(nova, see, watch, ids[i]!, settleMs));
    const deleteWall = performance.now() - d0;
    const dcpu = process.cpuUsage(dcpu0);
    console.log(phaseLine('delete', deletes, deleteWall));
    const afterDelete = await checkAccounting(stack.databaseUrl, await domains());
    console.log(`check:     ${accountingLine(afterDelete)}`);
    const rssAfterRun = rss();
    console.log(
      `memory:    RSS ${rssAtRest.toFixed(0)} MB at rest, ${rssWithHosts.toFixed(0)} with ${H} hosts, ${rssAfterBoot.toFixed(0)} with ${N} servers, ${rssAfterRun.toFixed(0)} after the run`,
    );

    let realResult: Figures['real'];
    if (real && realRuns) {
      const cacheDir = o['tiny-cache'] ?? '/tmp/cumulo-tiny-image-cache';
      console.log(`\nreal:      ${realRuns} boots of tiny on qemu:///system (${possible.why}), one after another …`);
      const r = await realVmRuns(cleanup, {
        stack,
        nova,
        watch,
        see,
        bus,
        runs: realRuns,
        cacheDir,
        timeoutMs: 180_000,
      });
      realResult = r.runs;
      for (const line of realLine(r.runs)) console.log(line);
    } else console.log(`\nreal:      skipped (${o['no-real'] ? '--no-real' : possible.why})`);

    const figures: Figures = {
      N,
      H,
      C,
      room,
      see: see.kind === 'poll' ? `poll ${pollMs} ms` : 'notifications',
      bus: busDescribe,
      boots,
      bootWall,
      deletes,
      deleteWall,
      decisions,
      serverCpu,
      rest,
      elu,
      locks,
      mainThread,
      idleCores,
      cpuPerBoot: cpuMs / N,
      cpuPerDelete: (dcpu.user + dcpu.system) / 1e3 / Math.max(1, ids.length),
      afterBoot,
      afterDelete,
      rss: { rest: rssAtRest, hosts: rssWithHosts, booted: rssAfterBoot, after: rssAfterRun },
      real: realResult,
    };
    const table = resultTable(figures);
    const summary = verdict(figures);
    console.log(`\n${table}\n\n${summary}`);
    if (o.write) {
      const file = writeSection(
        'Compute',
        'compute',
        generatedSection({
          m,
          figures,
          argv,
          load: [loadAtStart, loadAverage()],
          database: stack.database,
          table,
          summary,
        }),
        HAND_WRITTEN,
      );
      console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await cleanup.runAll();
  }
}
