import { describe, expect, it } from 'vitest';
import { chartBars, formatHours, niceMax } from './usage-chart-geometry';

describe('usage chart geometry', () => {
  it('rounds the axis up to 1, 2 or 5 × 10ⁿ', () => {
    expect([0, 0.3, 1, 1.2, 3, 7, 24, 48, 480, 1001].map(niceMax)).toEqual([1, 0.5, 1, 2, 5, 10, 50, 50, 500, 2000]);
  });

  it('scales bars to the plot, keeps tiny values visible and zeros flat', () => {
    const box = { width: 120, height: 110, top: 5, right: 10, bottom: 5, left: 10 };
    const bars = chartBars([0, 0.001, 50, 100], 100, box);
    expect(bars.map((b) => b.height)).toEqual([0, 1, 50, 100]);
    expect(bars[3]!.y).toBe(5);
    expect(bars[0]!.y + bars[0]!.height).toBe(105);
    expect(bars[1]!.x).toBeGreaterThan(bars[0]!.x + bars[0]!.width);
    expect(bars[3]!.x + bars[3]!.width).toBeLessThanOrEqual(110);
  });

  it('shows a few seconds of use as more than zero', () => {
    expect(formatHours(0)).toBe('0');
    expect(formatHours(5 / 3600)).toBe('0.0014');
    expect(formatHours(12.345)).toBe('12.3');
  });
});
