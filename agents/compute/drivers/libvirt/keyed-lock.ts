/**
 * Runs tasks one at a time per key. A redelivered message for an instance can arrive while the first delivery is
 * still at work (spawn takes seconds); queueing it behind the first turns it into the no-op it should be.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const result = prev.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // forget idle keys, or 1,000 instances leave 1,000 settled promises behind
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
