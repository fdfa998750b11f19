import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startPrivateRabbit, testBusPrefix, waitUntil, type PrivateRabbit } from '../../tests/helpers/bus';
import { AmqpBus } from './amqp-bus';
import { defineRpc } from './contract';
import { sleep } from './inflight';

/**
 * The broker goes away under load and comes back. Runs on a private RabbitMQ node (its own name, ports and data dir)
 * because stopping the machine's shared broker would break every other test file running in parallel.
 */
const work = defineRpc({
  topic: 'load',
  method: 'work',
  version: '1.0',
  kind: 'cast',
  args: z.object({ i: z.number().int() }),
});
const echo = defineRpc({
  topic: 'load',
  method: 'echo',
  version: '1.0',
  kind: 'call',
  args: z.object({ s: z.string() }),
  result: z.object({ s: z.string() }),
});

const TOTAL = 2_000;

async function survivesOutage(rabbit: PrivateRabbit, disrupt: () => Promise<void>) {
  const prefix = testBusPrefix();
  const consumer = new AmqpBus({ url: rabbit.url, prefix, connectTimeoutMs: 10_000 });
  const producer = new AmqpBus({ url: rabbit.url, prefix, connectTimeoutMs: 10_000 });
  try {
    const handled = new Set<number>();
    let deliveries = 0;
    // Idempotent like a real handler: a redelivery of an id already done changes nothing.
    await consumer.serve(
      work,
      async ({ i }) => {
        deliveries++;
        handled.add(i);
        await sleep(Math.random() < 0.1 ? 5 : 0);
      },
      { prefetch: 50 },
    );
    await consumer.serve(echo, ({ s }) => ({ s }));

    const confirmed = new Set<number>();
    const failed = new Map<number, string>();
    let outage = false;
    let confirmedWhileDown = 0;
    const casts: Promise<void>[] = [];
    // About 800 casts a second for ~2.5 s, not awaited one by one, so publishes keep arriving while the broker is down.
    const publishing = (async () => {
      for (let i = 0; i < TOTAL; i++) {
        const sentWhileDown = outage && !producer.connected;
        casts.push(
          producer.cast(work, { args: { i } }).then(
            () => {
              confirmed.add(i);
              if (sentWhileDown) confirmedWhileDown++;
            },
            (err: unknown) => void failed.set(i, String(err)),
          ),
        );
        if (i % 20 === 19) await sleep(25);
      }
    })();

    await waitUntil(() => confirmed.size >= 400, 20_000, '400 confirmed casts before the outage');
    const before = { consumer: consumer.stats.connects, producer: producer.stats.connects };
    outage = true;
    const t0 = Date.now();
    await disrupt();
    await publishing;
    await Promise.all(casts);
    const recoveredMs = Date.now() - t0;

    // Every confirmed message is handled at least once; nothing the broker acknowledged was lost.
    await waitUntil(() => [...confirmed].every((i) => handled.has(i)), 30_000, 'every confirmed cast handled');
    expect(failed).toEqual(new Map());
    expect(confirmed.size).toBe(TOTAL);
    // Casts issued while the broker was unreachable were buffered and confirmed after the reconnect.
    expect(confirmedWhileDown).toBeGreaterThan(0);
    expect(consumer.stats.connects).toBeGreaterThan(before.consumer);
    expect(producer.stats.connects).toBeGreaterThan(before.producer);
    await expect(producer.call(echo, { args: { s: 'after' }, timeoutMs: 5_000 })).resolves.toEqual({ s: 'after' });
    return { deliveries, distinct: handled.size, recoveredMs, confirmedWhileDown };
  } finally {
    await Promise.all([consumer.close({ drainTimeoutMs: 5_000 }), producer.close({ drainTimeoutMs: 5_000 })]);
  }
}

describe('AmqpBus across a broker restart (private RabbitMQ node)', () => {
  let rabbit: PrivateRabbit;

  beforeAll(async () => {
    rabbit = await startPrivateRabbit({ startTimeoutMs: 45_000 });
  }, 60_000);

  afterAll(async () => {
    await rabbit?.stop();
  }, 30_000);

  it('loses no confirmed cast when the broker app stops and starts under load, and reconnects by itself', async () => {
    const r = await survivesOutage(rabbit, async () => {
      await rabbit.ctl('stop_app');
      await sleep(500);
      await rabbit.ctl('start_app');
    });
    expect(r.distinct).toBe(TOTAL);
  }, 60_000);

  it('loses no confirmed cast when the broker is killed (SIGKILL) and restarted on the same data', async () => {
    const r = await survivesOutage(rabbit, () => rabbit.killAndRestart());
    expect(r.distinct).toBe(TOTAL);
  }, 60_000);
});
