import { describe, expect, it } from 'vitest';
import { linearTicks, niceTicks } from '../../src/ui/view-axes';
import { framedPlot, plotLayout } from '../../src/ui/view-layout';
import { displayLabel, loggingInterval, sparseRuns } from '../../src/ui/metric-chart-series';

describe('view axes: ticks and layout', () => {
  it('puts ticks at round values (1, 2, 5 times a power of ten) without float noise', () => {
    expect(niceTicks(-1.08, 1.08, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.1, 0.35, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    expect(niceTicks(-3.2, 3.2, 3)).toEqual([-2, 0, 2]);
    expect(niceTicks(1, 1, 5)).toEqual([]);
    expect(niceTicks(0, Number.NaN, 5)).toEqual([]);
    expect(Object.is(niceTicks(-1, 1, 2)[1], 0)).toBe(true);
  });

  it('places linear ticks along the axis, upwards for y', () => {
    expect(linearTicks(0, 2, 140)).toEqual([{ value: 0, at: 0 }, { value: 1, at: 70 }, { value: 2, at: 140 }]);
    expect(linearTicks(0, 2, 90, true)).toEqual([{ value: 0, at: 90 }, { value: 1, at: 45 }, { value: 2, at: 0 }]);
  });

  it('gives a short axis at least two ticks (a phone-sized plot): never 0 alone', () => {
    // 206 px asks for 2 ticks on [-3.5, 3.5]: the nearest round step, 5, leaves only 0 in range.
    expect(niceTicks(-3.5, 3.5, 2)).toEqual([0]);
    expect(linearTicks(-3.5, 3.5, 206).map((t) => t.value)).toEqual([-2, 0, 2]);
    expect(linearTicks(0.1, 0.9, 60).map((t) => t.value).length).toBeGreaterThanOrEqual(2);
    // An axis of one point has no ticks to find.
    expect(linearTicks(1, 1, 206)).toEqual([]);
  });

  it('leaves margins for the axes, and none in a thumbnail', () => {
    expect(plotLayout(400, 300)).toEqual({ compact: false, plot: { left: 52, top: 8, width: 336, height: 254 } });
    expect(plotLayout(400, 300, 62).plot.width).toBe(274);
    expect(plotLayout(150, 150)).toEqual({ compact: true, plot: { left: 0, top: 0, width: 150, height: 150 } });
  });

  it('draws axes only around a plot that fits: a figure left short by a tall key, or not yet measured, has none', () => {
    expect(framedPlot(332, 207)).toEqual({ left: 52, top: 8, width: 268, height: 161 });
    expect(framedPlot(332, 207, 62)!.width).toBe(206);
    // A 332 x 208 element whose key wraps onto three rows (58 px) leaves a 150 px figure: the plot fills it, no axes.
    expect(framedPlot(332, 150)).toBeUndefined();
    expect(framedPlot(0, 0)).toBeUndefined();
  });
});

describe('metric chart: sparsely logged runs', () => {
  const run = (label: string, steps: number[]) => ({ label, steps, values: steps.map(() => 1) });
  it('finds the logging interval and the runs logged much more sparsely than the densest', () => {
    const train = run('train loss', Array.from({ length: 101 }, (_, t) => t));
    const test = run('test loss', [0, 25, 50, 75, 100]);
    expect(loggingInterval(test)).toBe(25);
    expect(loggingInterval(run('one', [3]))).toBeUndefined();
    expect(sparseRuns([train, test])).toEqual([false, true]);
    expect(sparseRuns([test, run('other', [0, 25, 50])])).toEqual([false, false]);
    // A single logged value beside a line is a marker (a line of one point draws nothing).
    expect(sparseRuns([train, run('test loss', [0])])).toEqual([false, true]);
    expect(displayLabel(test, true)).toBe('test loss (every 25 steps)');
    expect(displayLabel(run('test loss', [0]), true)).toBe('test loss');
    expect(displayLabel(test, false)).toBe('test loss');
  });
});
