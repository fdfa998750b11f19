import { expect, it } from 'vitest';
import { AppError } from '../lib/errors';
import { waitUntil } from '../../tests/helpers/bus';
import { deferred, settleTime, type DeadLetter, type SuiteContext } from './bus.contract.kit';

/** Casts and calls: results, errors, timeouts, validation, retries and dead letters. */
export function rpcCases(s: SuiteContext): void {
  it('delivers a cast exactly once when the handler succeeds', async () => {
    const bus = s.h.newBus();
    const seen: number[] = [];
    await bus.serve(s.c.put, (args) => void seen.push(args.n));
    await bus.cast(s.c.put, { args: { n: 7 } });
    await waitUntil(() => seen.length === 1);
    await settleTime();
    expect(seen).toEqual([7]);
  });

  it('returns the result of a call, parsed by the result schema', async () => {
    const server = s.h.newBus();
    const client = s.h.newBus();
    await server.serve(s.c.add, ({ a, b }) => ({ sum: a + b }));
    await expect(client.call(s.c.add, { args: { a: 2, b: 3 } })).resolves.toEqual({ sum: 5 });
  });

  it('re-raises a remote AppError at the caller with its code and message', async () => {
    const bus = s.h.newBus();
    await bus.serve(s.c.add, ({ a }) => {
      if (a < 0) throw new AppError('Conflict', 'Cannot add a negative number');
      throw new TypeError('boom');
    });
    const err = await bus.call(s.c.add, { args: { a: -1, b: 0 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'Conflict', message: 'Cannot add a negative number' });
    await expect(bus.call(s.c.add, { args: { a: 1, b: 0 } })).rejects.toMatchObject({
      code: 'Internal',
      message: 'boom',
    });
  });

  it('rejects a call with a Timeout naming the method when no reply comes in time', async () => {
    const bus = s.h.newBus();
    const gate = deferred();
    await bus.serve(s.c.add, async () => {
      await gate.promise;
      return { sum: 0 };
    });
    const err = await bus.call(s.c.add, { args: { a: 1, b: 1 }, timeoutMs: 300 }).catch((e: unknown) => e);
    gate.release();
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'Timeout' });
    expect((err as AppError).message).toContain(`${s.topic}.add`);
  });

  it('times out a call nobody serves, and the late server never runs it', async () => {
    const client = s.h.newBus();
    const err = await client.call(s.c.add, { args: { a: 1, b: 1 }, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'Timeout' });
    await settleTime(100);
    const late = s.h.newBus();
    let ran = 0;
    await late.serve(s.c.add, () => ({ sum: ++ran }));
    await settleTime(200);
    expect(ran).toBe(0);
  });

  it('fails calls still waiting when the caller closes its bus', async () => {
    const server = s.h.newBus();
    const client = s.h.newBus();
    const gate = deferred();
    const started = deferred();
    await server.serve(s.c.add, async () => {
      started.release();
      await gate.promise;
      return { sum: 0 };
    });
    const call = client.call(s.c.add, { args: { a: 1, b: 1 }, timeoutMs: 10_000 }).catch((e: unknown) => e);
    await started.promise;
    await client.close();
    gate.release();
    expect(await call).toMatchObject({ code: 'Unavailable' });
    await expect(client.cast(s.c.put, { args: { n: 1 } })).rejects.toMatchObject({ code: 'Unavailable' });
  });

  it('turns a result JSON cannot carry into an Internal error instead of redelivering forever', async () => {
    const bus = s.h.newBus();
    let runs = 0;
    await bus.serve(s.c.add, () => ({ sum: BigInt(++runs) as unknown as number }));
    await expect(bus.call(s.c.add, { args: { a: 1, b: 1 } })).rejects.toMatchObject({ code: 'Internal' });
    await settleTime();
    expect(runs).toBe(1);
  });

  it('refuses invalid args at the caller before anything is sent', async () => {
    const bus = s.h.newBus();
    await expect(bus.cast(s.c.put, { args: { n: 'x' as unknown as number } })).rejects.toMatchObject({
      code: 'BadRequest',
    });
  });

  it('dead-letters invalid args without calling the handler, and keeps consuming', async () => {
    const bus = s.h.newBus();
    const seen: number[] = [];
    await bus.serve(s.c.put, (args) => void seen.push(args.n));
    await bus.serve(s.c.add, ({ a, b }) => ({ sum: a + b }));
    await bus.cast(s.c.putLoose, { args: { n: 'not a number' } });
    await expect(bus.call(s.c.addLoose, { args: { a: 'x', b: 1 } })).rejects.toMatchObject({ code: 'BadRequest' });
    await bus.cast(s.c.put, { args: { n: 1 } });
    await waitUntil(() => seen.length === 1);
    const dead: DeadLetter[] = [];
    await waitUntil(async () => dead.push(...(await s.deadLetters())) === 2, 5_000, 'two dead letters');
    expect(dead.map((d) => d.reason).sort()).toEqual(['invalid-args', 'invalid-args']);
    expect(seen).toEqual([1]);
  });

  it('dead-letters a message whose major version the handler does not speak', async () => {
    const bus = s.h.newBus();
    await bus.serve(s.c.put, () => undefined);
    await bus.cast(s.c.putV2, { args: { n: 1 } });
    const dead: DeadLetter[] = [];
    await waitUntil(async () => dead.push(...(await s.deadLetters())) === 1, 5_000, 'a dead letter');
    expect(dead[0]).toMatchObject({ reason: 'version' });
  });

  it('dead-letters a cast after 3 failed deliveries', async () => {
    const bus = s.h.newBus();
    let attempts = 0;
    await bus.serve(s.c.put, () => {
      attempts++;
      throw new Error('disk full');
    });
    await bus.cast(s.c.put, { args: { n: 1 } });
    const dead: DeadLetter[] = [];
    await waitUntil(async () => dead.push(...(await s.deadLetters())) === 1, 5_000, 'a dead letter');
    expect(attempts).toBe(3);
    expect(dead[0]).toMatchObject({ reason: 'failed', error: 'Error: disk full' });
    expect(dead[0]?.body).toMatchObject({ method: 'put', args: { n: 1 } });
  });

  it('retries a cast whose handler failed once, then succeeds', async () => {
    const bus = s.h.newBus();
    let attempts = 0;
    const done: number[] = [];
    await bus.serve(s.c.put, (args) => {
      if (++attempts === 1) throw new Error('transient');
      done.push(args.n);
    });
    await bus.cast(s.c.put, { args: { n: 5 } });
    await waitUntil(() => done.length === 1);
    await settleTime();
    expect(attempts).toBe(2);
    expect(await s.deadLetters()).toEqual([]);
  });
}
