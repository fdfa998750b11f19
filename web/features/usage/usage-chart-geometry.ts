/** The chart's arithmetic, apart from React so it can be tested: scales, bar rectangles, number formatting. */

export type TUsageMetric = 'instanceHours' | 'vcpuHours' | 'memoryMbHours' | 'diskGbHours';

/** The axis top: the smallest 1, 2 or 5 × 10ⁿ at or above `v`, so the gridline labels are round numbers. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((c) => c >= v - 1e-9)!;
}

export type TBox = { width: number; height: number; top: number; right: number; bottom: number; left: number };

/** One rectangle per value, left to right, scaled to `max`; a non-zero value is at least 1 unit high, so it shows. */
export function chartBars(values: number[], max: number, box: TBox) {
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const slot = plotW / Math.max(values.length, 1);
  const gap = Math.min(6, slot * 0.2);
  return values.map((v, i) => {
    const h = v > 0 ? Math.max(1, (v / max) * plotH) : 0;
    return { x: box.left + i * slot + gap / 2, y: box.top + plotH - h, width: slot - gap, height: h };
  });
}

/** Hours for people: 0, 0.0014 (a few seconds still show as used), 0.25, 12.5, 1,234. */
export const formatHours = (h: number) =>
  h > 0 && h < 1
    ? h.toLocaleString(undefined, { maximumSignificantDigits: 2 })
    : h.toLocaleString(undefined, { maximumFractionDigits: h < 10 ? 2 : h < 100 ? 1 : 0 });
