/** A whole-number option (`--runs 5`), its default when absent; anything else is an error naming the option. */
export function wholeArg(value: string | undefined, fallback: number, what: string, min = 1): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${what} takes a whole number ≥ ${min}: ${value}`);
  return n;
}

/** A positive number of seconds (`--timeout 600`), its default when absent. */
export function secondsArg(value: string | undefined, fallback: number, what = '--timeout'): number {
  const s = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(s) || s <= 0) throw new Error(`${what} takes a number of seconds: ${value}`);
  return s;
}
