import { createServer } from 'node:net';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeAndDeleteBuses, TEST_AMQP_URL, testBusPrefix, waitUntil } from '../../tests/helpers/bus';
import { AmqpBus } from './amqp-bus';
import { amqpHarness } from './amqp-bus.harness';
import { describeBusContract } from './bus.contract';
import { defineRpc } from './contract';

describeBusContract('amqp (RabbitMQ)', () => amqpHarness());

const ping = defineRpc({
  topic: 'ping',
  method: 'ping',
  version: '1.0',
  kind: 'cast',
  args: z.object({ n: z.number() }),
});
const echo = defineRpc({
  topic: 'ping',
  method: 'echo',
  version: '1.0',
  kind: 'call',
  args: z.object({}),
  result: z.object({}),
});

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 1));
    });
  });
}

describe('AmqpBus without a reachable broker', () => {
  it('fails serve, cast and call within their timeouts instead of hanging', async () => {
    const url = `amqp://guest:guest@127.0.0.1:${await closedPort()}`;
    const bus = new AmqpBus({ url, prefix: testBusPrefix(), connectTimeoutMs: 300, publishTimeoutMs: 300 });
    await expect(bus.serve(ping, () => undefined)).rejects.toMatchObject({ code: 'Unavailable' });
    await expect(bus.cast(ping, { args: { n: 1 } })).rejects.toMatchObject({ code: 'Unavailable' });
    await expect(bus.call(echo, { args: {}, timeoutMs: 300 })).rejects.toMatchObject({ code: 'Timeout' });
    expect(bus.connected).toBe(false);
    await bus.close({ drainTimeoutMs: 500 });
  });
});

describe('AmqpBus when the broker closes one of its channels', () => {
  const prefix = testBusPrefix();
  const buses: AmqpBus[] = [];
  afterAll(() => closeAndDeleteBuses(buses));

  it('reconnects, re-declares the deleted queue and keeps serving', async () => {
    const bus = new AmqpBus({ url: TEST_AMQP_URL, prefix });
    buses.push(bus);
    const seen: number[] = [];
    await bus.serve(ping, ({ n }) => void seen.push(n));
    await bus.cast(ping, { args: { n: 1 } });
    await waitUntil(() => seen.length === 1);
    const connects = bus.stats.connects;
    // An operator deletes the queue: the broker cancels the consumer and the re-consume fails with a 404.
    const conn = await amqp.connect(TEST_AMQP_URL, { timeout: 5_000 });
    await (await conn.createChannel()).deleteQueue(`${prefix}.ping`);
    await conn.close();
    await waitUntil(() => bus.stats.connects > connects, 10_000, 'a reconnect');
    await bus.cast(ping, { args: { n: 2 } });
    await waitUntil(() => seen.length === 2, 10_000, 'the second cast');
    expect(seen).toEqual([1, 2]);
  });
});
