/**
 * Slows password guessing: after `maxFailures` failed attempts on one user within `windowMs`, further attempts on
 * that user are refused until the window passes. Kept per process: each API process throttles on its own.
 */
export class LoginThrottle {
  private failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 60_000,
  ) {}

  /** Milliseconds to wait before trying again, or 0 when an attempt is allowed now. */
  retryAfterMs(key: string): number {
    const f = this.failures.get(key);
    if (!f) return 0;
    const left = f.since + this.windowMs - Date.now();
    if (left <= 0) {
      this.failures.delete(key);
      return 0;
    }
    return f.count >= this.maxFailures ? left : 0;
  }

  fail(key: string) {
    const f = this.failures.get(key);
    if (f && Date.now() - f.since < this.windowMs) f.count++;
    else this.failures.set(key, { count: 1, since: Date.now() });
    if (this.failures.size > 100_000) this.failures.clear();
  }

  succeed(key: string) {
    this.failures.delete(key);
  }
}
