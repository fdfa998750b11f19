import amqp from 'amqplib';
import { closeAndDeleteBuses, TEST_AMQP_URL, testBusPrefix } from '../../tests/helpers/bus';
import { AmqpBus, type AmqpBusOptions } from './amqp-bus';
import { toDeadLetter, type BusHarness, type DeadLetter } from './bus.contract';
import { busNames } from './topology';

/** The contract-suite harness on the shared RabbitMQ: a prefix per file, removed with everything it declared. */
export async function amqpHarness(extra: Partial<AmqpBusOptions> = {}): Promise<BusHarness> {
  const prefix = testBusPrefix();
  const names = busNames(prefix);
  const everyBus: AmqpBus[] = [];
  let open: AmqpBus[] = [];
  // A plain amqplib connection reads the dead-letter queue the way an operator would.
  const inspector = await amqp.connect(TEST_AMQP_URL, { timeout: 5_000 });
  const ch = await inspector.createChannel();
  const probe = new AmqpBus({ ...extra, prefix, url: TEST_AMQP_URL });
  everyBus.push(probe);
  // The first bus declares the DLQ with the right queue type before the inspector reads it.
  await probe.notify({ resource: 'harness', projectId: 'none', event: 'ready', payload: null });
  return {
    newBus: (opts) => {
      const bus = new AmqpBus({ ...extra, ...opts, prefix, url: TEST_AMQP_URL, connectTimeoutMs: 10_000 });
      everyBus.push(bus);
      open.push(bus);
      return bus;
    },
    takeDeadLetters: async () => {
      const out: DeadLetter[] = [];
      for (let m = await ch.get(names.dlq, { noAck: true }); m; m = await ch.get(names.dlq, { noAck: true })) {
        out.push(toDeadLetter(m.properties.headers ?? {}, m.content.toString('utf8')));
      }
      return out;
    },
    closeBuses: async () => {
      await Promise.all(open.map((b) => b.close({ drainTimeoutMs: 5_000 })));
      open = [];
    },
    dispose: async () => {
      await inspector.close();
      await closeAndDeleteBuses(everyBus);
    },
  };
}
