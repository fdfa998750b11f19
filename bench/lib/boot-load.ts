import { performance } from 'node:perf_hooks';
import type { InstanceWatch } from './instance-watch';
import type { Nova } from './nova';

/** How a client learns that a server is ACTIVE (or gone). */
export type SeeBy = { kind: 'notifications'; watch: InstanceWatch } | { kind: 'poll'; everyMs: number };

export type BootSample = {
  id?: string;
  /** performance.now() when the POST was sent, and when its 202 came back. */
  sent: number;
  accepted?: number;
  /** The scheduler's placement committed (from the notifications; also in poll mode, which subscribes too). */
  placed?: number;
  host?: string;
  /** ACTIVE as the client saw it: the notification, or the first GET showing it when polling. */
  active?: number;
  /** The first GET after that which shows ACTIVE (notifications mode: one GET right after the event). */
  confirmed?: number;
  failed?: string;
};

export type DeleteSample = {
  id: string;
  sent: number;
  answered?: number;
  gone?: number;
  confirmed?: number;
  failed?: string;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `jobs` on `concurrency` workers, each taking the next job when its last one is done (a closed loop). */
export async function closedLoop<T>(count: number, concurrency: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) out[i] = await job(i);
    }),
  );
  return out;
}

/** One boot: POST /servers, then wait until the client sees ACTIVE (or ERROR), confirming with a GET. */
export async function bootOne(
  nova: Nova,
  see: SeeBy,
  watch: InstanceWatch,
  server: { name: string; imageRef: string; flavorRef: string; availability_zone?: string },
  timeoutMs: number,
): Promise<BootSample> {
  const s: BootSample = { sent: performance.now() };
  const r = await nova.boot(server).catch((e: Error) => ({ status: 0, text: e.message, body: undefined }));
  s.accepted = performance.now();
  if (r.status !== 202) return { ...s, failed: `POST /servers: HTTP ${r.status} ${r.text.slice(0, 200)}` };
  const id = r.body.server.id as string;
  s.id = id;
  const deadline = s.sent + timeoutMs;
  let status = '';
  if (see.kind === 'notifications') {
    if (!(await watch.wait(id, 'settled', timeoutMs)))
      return { ...s, failed: `not ACTIVE within ${timeoutMs / 1000} s` };
    const m = watch.seen.get(id)!;
    if (m.error !== undefined && m.active === undefined)
      return { ...s, ...placement(watch, id), failed: `ERROR: ${m.fault ?? '?'}` };
    s.active = m.active;
  }
  // the first GET showing ACTIVE: the whole measurement when polling, a check that the API agrees otherwise
  for (;;) {
    const g = await nova.show(id);
    status = g.body?.server?.status ?? `HTTP ${g.status}`;
    if (status === 'ACTIVE') {
      s.confirmed = performance.now();
      if (see.kind === 'poll') s.active = s.confirmed;
      break;
    }
    if (status === 'ERROR')
      return { ...s, ...placement(watch, id), failed: `ERROR: ${g.body.server.fault?.message ?? '?'}` };
    if (performance.now() > deadline)
      return { ...s, failed: `not ACTIVE within ${timeoutMs / 1000} s (last ${status})` };
    await sleep(see.kind === 'poll' ? see.everyMs : 20);
  }
  return { ...s, ...placement(watch, id) };
}

const placement = (watch: InstanceWatch, id: string) => {
  const m = watch.seen.get(id);
  return { placed: m?.placed, host: m?.host };
};

/** One delete: DELETE /servers/{id}, then wait until it is gone (the notification, or GET answering 404). */
export async function deleteOne(
  nova: Nova,
  see: SeeBy,
  watch: InstanceWatch,
  id: string,
  timeoutMs: number,
): Promise<DeleteSample> {
  const s: DeleteSample = { id, sent: performance.now() };
  const r = await nova.remove(id).catch((e: Error) => ({ status: 0, text: e.message }));
  s.answered = performance.now();
  if (r.status !== 204) return { ...s, failed: `DELETE: HTTP ${r.status} ${r.text.slice(0, 200)}` };
  if (see.kind === 'notifications') {
    if (!(await watch.wait(id, 'gone', timeoutMs))) return { ...s, failed: `not gone within ${timeoutMs / 1000} s` };
    s.gone = watch.seen.get(id)!.gone;
  }
  const deadline = s.sent + timeoutMs;
  for (;;) {
    const g = await nova.show(id);
    if (g.status === 404) {
      s.confirmed = performance.now();
      if (see.kind === 'poll') s.gone = s.confirmed;
      return s;
    }
    if (performance.now() > deadline) return { ...s, failed: `still there after ${timeoutMs / 1000} s` };
    await sleep(see.kind === 'poll' ? see.everyMs : 20);
  }
}

/** Nearest-rank percentile of `xs` (ms); NaN when empty. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
