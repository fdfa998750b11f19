import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { waitUntil } from '../../tests/helpers/bus';
import type { RpcContext } from './bus';
import { deferred, settleTime, type SuiteContext } from './bus.contract.kit';

/** Where messages go (hosts, fanout, competing workers, notifications), context, and draining on close. */
export function routingCases(s: SuiteContext): void {
  it('routes by host: a cast to hostA reaches only hostA', async () => {
    const a = s.h.newBus();
    const b = s.h.newBus();
    const got: string[] = [];
    await a.serve(s.c.put, () => void got.push('A'), { host: 'hostA' });
    await b.serve(s.c.put, () => void got.push('B'), { host: 'hostB' });
    await a.cast(s.c.put, { host: 'hostA', args: { n: 1 } });
    await a.cast(s.c.put, { host: 'hostB', args: { n: 2 } });
    await a.cast(s.c.put, { host: 'hostA', args: { n: 3 } });
    await waitUntil(() => got.length === 3);
    await settleTime();
    expect(got.sort()).toEqual(['A', 'A', 'B']);
  });

  it('fans out to every host of the topic', async () => {
    const buses = [s.h.newBus(), s.h.newBus(), s.h.newBus()];
    const got: string[] = [];
    await Promise.all(buses.map((bus, i) => bus.serve(s.c.put, () => void got.push(`h${i}`), { host: `h${i}` })));
    await buses[0]?.fanout(s.c.put, { args: { n: 1 } });
    await waitUntil(() => got.length === 3);
    await settleTime();
    expect(got.sort()).toEqual(['h0', 'h1', 'h2']);
  });

  it('shares the topic queue between competing workers, each message to one of them', async () => {
    const workers = [s.h.newBus(), s.h.newBus()];
    const got = new Map<number, string>();
    const dup: number[] = [];
    await Promise.all(
      workers.map((bus, i) =>
        bus.serve(
          s.c.put,
          async ({ n }) => {
            if (got.has(n)) dup.push(n);
            got.set(n, `w${i}`);
            await settleTime(10);
          },
          { prefetch: 1 },
        ),
      ),
    );
    const sender = s.h.newBus();
    await Promise.all(Array.from({ length: 20 }, (_, n) => sender.cast(s.c.put, { args: { n } })));
    await waitUntil(() => got.size === 20);
    expect(dup).toEqual([]);
    expect(new Set(got.values())).toEqual(new Set(['w0', 'w1']));
  });

  it('delivers notifications by wildcard pattern', async () => {
    const bus = s.h.newBus();
    const byInstance: string[] = [];
    const byProject: string[] = [];
    const subA = await bus.subscribe('instance.*.*', (e) => void byInstance.push(`${e.projectId}/${e.event}`));
    await bus.subscribe('#.p1.#', (e) => void byProject.push(`${e.resource}/${e.event}`));
    await bus.notify({ resource: 'instance', projectId: 'p1', event: 'created', payload: { id: 'i1' } });
    await bus.notify({ resource: 'instance', projectId: 'p2', event: 'deleted', payload: {} });
    await bus.notify({ resource: 'volume', projectId: 'p1', event: 'attached', payload: {} });
    await bus.notify({ resource: 'instance', projectId: 'p1', event: 'power.off', payload: {} });
    await waitUntil(() => byInstance.length === 2 && byProject.length === 3);
    await settleTime();
    expect(byInstance.sort()).toEqual(['p1/created', 'p2/deleted']);
    expect(byProject.sort()).toEqual(['instance/created', 'instance/power.off', 'volume/attached']);
    await subA.unsubscribe();
  });

  it('retries a grouped notification subscriber and shares its queue between workers', async () => {
    const group = `g${randomBytes(3).toString('hex')}`;
    const [w1, w2, pub] = [s.h.newBus(), s.h.newBus(), s.h.newBus()];
    let failures = 0;
    const got: string[] = [];
    const handler = (e: { event: string }) => {
      if (e.event === 'flaky' && failures++ === 0) throw new Error('try again');
      got.push(e.event);
    };
    await w1.subscribe('usage.*.*', handler, { group });
    await w2.subscribe('usage.*.*', handler, { group });
    await pub.notify({ resource: 'usage', projectId: 'p1', event: 'flaky', payload: {} });
    await pub.notify({ resource: 'usage', projectId: 'p1', event: 'steady', payload: {} });
    await waitUntil(() => got.length === 2);
    await settleTime();
    expect(got.sort()).toEqual(['flaky', 'steady']);
  });

  it('hands ctx and requestId to the handler', async () => {
    const bus = s.h.newBus();
    const seen: RpcContext[] = [];
    await bus.serve(s.c.put, (_args, ctx) => void seen.push(ctx));
    const ctx = { requestId: 'req-123', userId: 'u1', projectId: 'p1', roles: ['member'], isAdmin: false };
    await bus.cast(s.c.put, { args: { n: 1 }, ctx });
    await bus.cast(s.c.put, { args: { n: 2 } });
    await waitUntil(() => seen.length === 2);
    expect(seen).toContainEqual(ctx);
    expect(seen.find((s) => s.requestId !== 'req-123')?.requestId).toMatch(/^req-/);
  });

  it('close() waits for an in-flight handler and acks it, so it is not redelivered', async () => {
    const bus = s.h.newBus();
    const gate = deferred();
    const events: string[] = [];
    await bus.serve(s.c.put, async () => {
      events.push('started');
      await gate.promise;
      events.push('finished');
    });
    await bus.cast(s.c.put, { args: { n: 1 } });
    await waitUntil(() => events.includes('started'));
    const closed = bus.close().then(() => events.push('closed'));
    await settleTime();
    expect(events).toEqual(['started']);
    gate.release();
    await closed;
    expect(events).toEqual(['started', 'finished', 'closed']);
    const again = s.h.newBus();
    let redelivered = 0;
    await again.serve(s.c.put, () => void redelivered++);
    await settleTime(300);
    expect(redelivered).toBe(0);
  });
}
