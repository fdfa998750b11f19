import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Bus, BusOptions } from './bus';
import { defineRpc } from './contract';
import { HEADERS } from './topology';

/** Shared pieces of the bus contract suite (bus.contract.ts): the harness each transport provides, and fixtures. */
export interface DeadLetter {
  reason: string;
  origin: string;
  error: string;
  body: unknown;
}

export interface BusHarness {
  /** A new bus on the same broker and prefix, like another process. */
  newBus(opts?: Partial<Omit<BusOptions, 'prefix'>>): Bus;
  /** Takes what is in the dead-letter queue right now. */
  takeDeadLetters(): Promise<DeadLetter[]>;
  /** Closes every bus made by newBus (after each test). */
  closeBuses(): Promise<void>;
  /** Removes broker state (after the file). */
  dispose(): Promise<void>;
}

export const toDeadLetter = (headers: Record<string, unknown>, content: string): DeadLetter => ({
  reason: String(headers[HEADERS.deadReason] ?? ''),
  origin: String(headers[HEADERS.origin] ?? ''),
  error: String(headers[HEADERS.deadError] ?? ''),
  body: JSON.parse(content) as unknown,
});

/** Fresh topic names per test: no test sees another's queues or dead letters. */
export const uniqueTopic = (): string => `t${randomBytes(4).toString('hex')}`;

export function contractsFor(topic: string) {
  return {
    put: defineRpc({ topic, method: 'put', version: '1.1', kind: 'cast', args: z.object({ n: z.number() }) }),
    // An older or buggy caller: same method, looser schema; lets a test put invalid args on the wire.
    putLoose: defineRpc({ topic, method: 'put', version: '1.0', kind: 'cast', args: z.object({ n: z.unknown() }) }),
    putV2: defineRpc({ topic, method: 'put', version: '2.0', kind: 'cast', args: z.object({ n: z.number() }) }),
    add: defineRpc({
      topic,
      method: 'add',
      version: '1.0',
      kind: 'call',
      args: z.object({ a: z.number(), b: z.number() }),
      result: z.object({ sum: z.number() }),
    }),
    addLoose: defineRpc({
      topic,
      method: 'add',
      version: '1.0',
      kind: 'call',
      args: z.object({ a: z.unknown(), b: z.unknown() }),
      result: z.object({ sum: z.number() }),
    }),
  };
}

/** What each test sees: the harness and this test's own topic, contracts and dead letters. */
export interface SuiteContext {
  readonly h: BusHarness;
  readonly topic: string;
  readonly c: ReturnType<typeof contractsFor>;
  /** Dead letters that came from this test's topic (others are dropped: their tests already finished). */
  deadLetters(): Promise<DeadLetter[]>;
}

export const deferred = () => {
  let release!: () => void;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
};

/** A short pause to let a wrongly duplicated delivery show up before asserting "exactly once". */
export const settleTime = (ms = 150) => new Promise((r) => setTimeout(r, ms));
