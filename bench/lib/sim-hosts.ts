import fs from 'node:fs';
import path from 'node:path';
import amqp from 'amqplib';
import { startComputeAgent, type ComputeAgent } from '../../agents/compute/compute-agent';
import type { HypervisorDriver } from '../../agents/compute/driver';
import { makeDriver } from '../../agents/compute/make-driver';
import { AmqpBus } from '../../server/rpc/amqp-bus';
import type { Bus } from '../../server/rpc/bus';
import { buildInstance } from '../../server/rpc/contracts/compute/build-instance';
import { buildResult } from '../../server/rpc/contracts/conductor/build-result';
import { scheduleInstance } from '../../server/rpc/contracts/scheduler/schedule-instance';
import { MemoryBus } from '../../server/rpc/memory-bus';
import { busNames } from '../../server/rpc/topology';
import type { Cleanup } from './cleanup';

export type BusChoice = { prefix: string; amqpUrl?: string };

/** A bus of the control plane's kind and prefix: in-process (same broker) or RabbitMQ. */
export function benchBus(b: BusChoice): Bus {
  return b.amqpUrl
    ? new AmqpBus({ url: b.amqpUrl, prefix: b.prefix, connectTimeoutMs: 10_000 })
    : new MemoryBus({ prefix: b.prefix });
}

export type SimHost = { host: string; agent: ComputeAgent; driver: HypervisorDriver; bus: Bus };

/**
 * `count` simulated compute hosts in this process (libvirt's test hypervisor), each its own agent on its own bus
 * connection, as separate machines would be. Closed (and, on RabbitMQ, their queues deleted) by `cleanup`.
 */
export async function startSimHosts(
  cleanup: Cleanup,
  o: BusChoice & { count: number; dir: string; vcpus: number; memoryMb: number; diskGb: number },
): Promise<SimHost[]> {
  const hosts: SimHost[] = [];
  cleanup.add(`closing ${o.count} simulated hosts`, async () => {
    await Promise.allSettled(hosts.map((h) => h.bus.close()));
    await Promise.allSettled(hosts.map((h) => h.agent.close()));
    if (o.amqpUrl) await deleteTopology(o.amqpUrl, o.prefix, hosts);
  });
  // a few at a time: each one reports, then asks the conductor what it should hold (a call)
  const batch = 10;
  for (let n = 0; n < o.count; n += batch) {
    const started = await Promise.all(
      Array.from({ length: Math.min(batch, o.count - n) }, async (_, k) => {
        const host = `sim-${String(n + k).padStart(3, '0')}`;
        const stateDir = path.join(o.dir, host);
        fs.mkdirSync(stateDir, { recursive: true });
        const bus = benchBus(o);
        const driver = makeDriver('test', { host, stateDir, vcpus: o.vcpus, memoryMb: o.memoryMb, diskGb: o.diskGb });
        const agent = await startComputeAgent({ host, bus, stateDir, driver });
        return { host, agent, driver, bus };
      }),
    );
    hosts.push(...started);
  }
  return hosts;
}

/** What the bench's buses declared on RabbitMQ under its own prefix, plus the control plane's shared queues. */
async function deleteTopology(url: string, prefix: string, hosts: SimHost[]) {
  const names = busNames(prefix);
  const queues = new Set<string>([names.dlq]);
  // shared (host-less) queues: scheduler, conductor, and compute's fan-out target
  for (const c of [scheduleInstance, buildResult, buildInstance]) queues.add(names.queue(c.topic));
  const exchanges = new Set<string>([names.notifications]);
  for (const h of hosts) {
    if (!(h.bus instanceof AmqpBus)) continue;
    const t = h.bus.topology();
    t.queues.forEach((q) => queues.add(q));
    t.exchanges.forEach((e) => exchanges.add(e));
  }
  const conn = await amqp.connect(url, { timeout: 5_000 });
  try {
    const ch = await conn.createChannel();
    for (const q of queues) if (q.startsWith(`${prefix}.`)) await ch.deleteQueue(q);
    for (const e of exchanges) if (e.startsWith(`${prefix}.`)) await ch.deleteExchange(e);
    await ch.close();
  } finally {
    await conn.close().catch(() => undefined);
  }
}
