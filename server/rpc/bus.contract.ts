import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { contractsFor, uniqueTopic, type BusHarness, type DeadLetter, type SuiteContext } from './bus.contract.kit';
import { routingCases } from './bus.contract.routing';
import { rpcCases } from './bus.contract.rpc';

export { toDeadLetter, type BusHarness, type DeadLetter } from './bus.contract.kit';

/**
 * The behaviour every Bus must have, run against the in-process bus and against RabbitMQ, so the all-in-one stack
 * and a multi-node deployment cannot drift apart.
 */
export function describeBusContract(name: string, makeHarness: () => Promise<BusHarness> | BusHarness): void {
  describe(`Bus contract: ${name}`, () => {
    let harness: BusHarness | undefined;
    let topic = uniqueTopic();
    let c = contractsFor(topic);
    const s: SuiteContext = {
      get h() {
        if (!harness) throw new Error('harness not ready');
        return harness;
      },
      get topic() {
        return topic;
      },
      get c() {
        return c;
      },
      deadLetters: async (): Promise<DeadLetter[]> =>
        (await s.h.takeDeadLetters()).filter((d) => d.origin.split('.').includes(topic)),
    };

    beforeAll(async () => {
      harness = await makeHarness();
    });
    beforeEach(() => {
      topic = uniqueTopic();
      c = contractsFor(topic);
    });
    afterEach(async () => {
      await harness?.closeBuses();
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    rpcCases(s);
    routingCases(s);
  });
}
