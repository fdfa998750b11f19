/**
 * What a benchmark must undo (load generator, servers, throwaway database, temporary directories), run in reverse
 * order of registration exactly once: at the end, on an error, on Ctrl-C / SIGTERM, or when the run overruns its
 * time limit. A second Ctrl-C (more than a second after the first, so not the echo npm and tsx relay) exits at once.
 */
type Step = { what: string; run: () => Promise<unknown> | unknown };

export class Cleanup {
  private steps: Step[] = [];
  private running: Promise<void> | null = null;
  private firstSignalAt = 0;
  private deadline: NodeJS.Timeout | null = null;
  private readonly onSignal = (signal: NodeJS.Signals) => this.signal(signal);

  constructor(private readonly name: string) {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, this.onSignal);
  }

  /** Registers an undo step; steps run last-registered first. */
  add(what: string, run: () => Promise<unknown> | unknown) {
    this.steps.push({ what, run });
  }

  /** Stops the whole run (cleaning up, exit code 1) if it is still going after `ms`. */
  limit(ms: number) {
    this.deadline = setTimeout(() => {
      console.error(`\n${this.name}: still running after ${Math.round(ms / 1000)} s, giving up`);
      void this.runAll().finally(() => process.exit(1));
    }, ms);
    this.deadline.unref();
  }

  runAll(): Promise<void> {
    this.running ??= (async () => {
      if (this.deadline) clearTimeout(this.deadline);
      for (const step of this.steps.reverse()) {
        const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
        const started = Date.now();
        try {
          const outcome = await Promise.race([Promise.resolve().then(step.run), timeout]);
          if (outcome === 'timeout') console.error(`cleanup: ${step.what} took over 15 s; moving on`);
          else if (Date.now() - started > 2000)
            console.error(`cleanup: ${step.what} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
        } catch (e) {
          console.error(`cleanup: ${step.what} failed: ${(e as Error).message}`);
        }
      }
      this.steps = [];
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, this.onSignal);
    })();
    return this.running;
  }

  private signal(signal: NodeJS.Signals) {
    if (this.firstSignalAt) {
      if (Date.now() - this.firstSignalAt < 1000) return;
      console.error(
        `\n${signal} again: exiting without cleaning up (${this.steps.map((s) => s.what).join(', ') || 'nothing'} left)`,
      );
      process.exit(130);
    }
    this.firstSignalAt = Date.now();
    console.error(`\n${signal}: stopping the benchmark and cleaning up (Ctrl-C again to force)`);
    void this.runAll().finally(() => process.exit(130));
  }
}
