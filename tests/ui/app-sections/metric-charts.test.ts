import { describe, expect, it } from 'vitest';
import { MAX_LOSS_POINTS, sharedReferences, thinned } from '../../../src/ui/app-sections/metric-charts';

describe('loss chart thinning', () => {
  it('keeps every loss up to MAX_LOSS_POINTS, and every stride-th one beyond, at their steps', () => {
    expect(thinned('train loss', [4, 3, 2])).toEqual({ label: 'train loss', steps: [0, 1, 2], values: [4, 3, 2] });
    const long = Array.from({ length: 2 * MAX_LOSS_POINTS + 1 }, (_, t) => t);
    const series = thinned('long', long);
    expect(series.steps.length).toBeLessThanOrEqual(MAX_LOSS_POINTS);
    expect(series.steps.slice(0, 3)).toEqual([0, 3, 6]);
    expect(series.values).toEqual(series.steps);
  });
});

describe('reference lines of a run set', () => {
  it('keeps the lines every member has, and leaves per-member ones (2/lr at each lr) to the summary chart', () => {
    const twoOverLr = (lr: number) => ({ label: '2/lr', value: 2 / lr });
    expect(sharedReferences([[twoOverLr(1)], [twoOverLr(1)]])).toEqual([twoOverLr(1)]);
    expect(sharedReferences([[twoOverLr(1)], [twoOverLr(2)]])).toEqual([]);
    expect(sharedReferences([])).toEqual([]);
  });
});

