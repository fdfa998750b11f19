/**
 * Cleanups that run when the current test file ends, wherever the helper that registered them was called
 * (describe body, beforeAll, a test). vitest skips an `afterAll` registered from inside a `beforeAll`, which leaked
 * databases and servers; tests/setup/file-cleanup.ts runs these instead, newest first.
 */
const cleanups: (() => Promise<void> | void)[] = [];

export function onFileEnd(fn: () => Promise<void> | void) {
  cleanups.push(fn);
}

export async function runFileCleanups() {
  const errors: unknown[] = [];
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length) throw errors[0];
}
