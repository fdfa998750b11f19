import { describeBusContract, toDeadLetter, type BusHarness } from './bus.contract';
import { MemoryBroker } from './memory-broker';
import { MemoryBus } from './memory-bus';

describeBusContract('memory', (): BusHarness => {
  // A private broker per file, so nothing leaks into the process-wide one other code may use.
  const broker = new MemoryBroker();
  const prefix = 'mem';
  let buses: MemoryBus[] = [];
  return {
    newBus: (opts) => {
      const bus = new MemoryBus({ ...opts, prefix, broker });
      buses.push(bus);
      return bus;
    },
    takeDeadLetters: async () => broker.drain(`${prefix}.dlq`).map((m) => toDeadLetter(m.headers, m.content)),
    closeBuses: async () => {
      await Promise.all(buses.map((b) => b.close({ drainTimeoutMs: 2_000 })));
      buses = [];
    },
    dispose: async () => undefined,
  };
});
