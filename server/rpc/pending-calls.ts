import type { AppError } from '../lib/errors';

interface Pending {
  resolve(content: string): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Outstanding calls keyed by correlation id. The timer is armed before the request is published, so a reply that
 * overtakes the publish confirm still finds its caller, and a lost request still ends.
 */
export class PendingCalls {
  private readonly pending = new Map<string, Pending>();

  wait(correlationId: string, timeoutMs: number, onTimeout: () => AppError): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(onTimeout());
      }, timeoutMs);
      this.pending.set(correlationId, { resolve, reject, timer });
    });
  }

  /** Late replies (after a timeout) are dropped: the caller already got its answer. */
  settle(correlationId: string, content: string): boolean {
    const p = this.pending.get(correlationId);
    if (!p) return false;
    this.pending.delete(correlationId);
    clearTimeout(p.timer);
    p.resolve(content);
    return true;
  }

  fail(correlationId: string, err: Error): void {
    const p = this.pending.get(correlationId);
    if (!p) return;
    this.pending.delete(correlationId);
    clearTimeout(p.timer);
    p.reject(err);
  }

  failAll(err: Error): void {
    for (const id of [...this.pending.keys()]) this.fail(id, err);
  }

  get size(): number {
    return this.pending.size;
  }
}
