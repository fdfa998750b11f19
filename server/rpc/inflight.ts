/** Work that close() must wait for: handlers between delivery and ack, publishes awaiting their confirm. */
export class Inflight {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves true when everything settled, false when the deadline came first (the rest is redelivered later). */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    // Loop: a handler may start follow-up work (its ack's publish) while we wait.
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const settled = await withTimeout(Promise.allSettled([...this.running]), left).then(
        () => true,
        () => false,
      );
      if (!settled) return false;
    }
    return true;
  }
}

export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** Bounds any broker round-trip; the work itself is not cancelled, only no longer awaited. */
export function withTimeout<T>(work: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
