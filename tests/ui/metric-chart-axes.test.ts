import { describe, expect, it } from 'vitest';
import { formatTick, logTicks } from '../../src/ui/metric-chart-axes';
import { niceTicks } from '../../src/ui/view-axes';

describe('formatTick', () => {
  it('keeps neighbouring ticks apart in the exponent style (a landscape run diverging to 1e13)', () => {
    const labels = niceTicks(0, 2e13, 11).map(formatTick);
    expect(labels).toEqual(['0', '2e12', '4e12', '6e12', '8e12', '1e13', '1.2e13', '1.4e13', '1.6e13', '1.8e13', '2e13']);
    expect(new Set(niceTicks(1e13, 2e13, 11).map(formatTick)).size).toBe(11);
  });

  it('writes moderate values plainly, large and small ones as 1e-4, never a small value as 0', () => {
    expect([0, 0.5, 12.5, 4321, -3].map(formatTick)).toEqual(['0', '0.5', '12.5', '4321', '-3']);
    expect([1e5, 2.5e-4, -1.25e-7, 123456].map(formatTick)).toEqual(['1e5', '2.5e-4', '-1.25e-7', '1.235e5']);
    expect(formatTick(null)).toBe('');
  });
});

describe('logTicks', () => {
  it('puts 1..9 x 10^k as exact literals on a short range and decades only on a long one', () => {
    expect(logTicks(0.5, 30)).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30]);
    expect(logTicks(1e-45, 1)).toEqual(Array.from({ length: 46 }, (_, i) => Number(`1e${i - 45}`)).filter((_, i) => (i - 45) % 2 === 0));
    expect(logTicks(1e-26, 1e-20)).toEqual([1e-26, 1e-25, 1e-24, 1e-23, 1e-22, 1e-21, 1e-20]);
  });

  it('keeps at most about 40 ticks over any float64 range, and none for an empty or non-positive one', () => {
    const ticks = logTicks(5e-324, 1.7e308);
    expect(ticks.length).toBeLessThanOrEqual(41);
    expect(ticks.length).toBeGreaterThan(10);
    expect(ticks.every((tick, i) => i === 0 || tick > ticks[i - 1]!)).toBe(true);
    expect(logTicks(0, 1)).toEqual([]);
    expect(logTicks(2, 1)).toEqual([]);
  });
});
