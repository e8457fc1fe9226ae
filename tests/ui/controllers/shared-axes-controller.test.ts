import { describe, expect, it } from 'vitest';
import { SharedAxesController, unionBox } from '../../../src/ui/controllers/shared-axes-controller';
import { fakeHost } from './fake-host';

describe('shared axes of the small multiples', () => {
  it('joins the finite boxes only', () => {
    expect(unionBox([[0, 0, 1, 1], undefined, [-1, 0.5, 0.5, 2], [NaN, 0, 1, 1], [3e38, -3e38, -3e38, 3e38], [2, 2, 1, 1]])).toEqual([-1, 0, 1, 2]);
    expect(unionBox([])).toBeUndefined();
  });

  it('widens one box for every view from their own, never shrinks it, and starts over when the views change', async () => {
    const host = fakeHost();
    let boxes = [[0, 0, 1, 1], [-2, 0, 0, 3]];
    const views = () => boxes.map((box) => ({ readAutoFitBounds: async () => Float32Array.from([...box, 1]) }));
    const axes = new SharedAxesController(host as never, views);
    axes.follow('run 1', 'plane');
    await axes.refresh();
    expect(axes.box).toEqual([-2, 0, 1, 3]);
    boxes = [[0, 0, 0.5, 0.5], [0, 0, 0.5, 0.5]];
    await axes.refresh();
    expect(axes.box).toEqual([-2, 0, 1, 3]);
    axes.follow('run 1', 'plane');
    expect(axes.box).toEqual([-2, 0, 1, 3]);
    axes.follow('run 2', 'plane');
    expect(axes.box).toBeUndefined();
    await axes.refresh();
    expect(axes.box).toEqual([0, 0, 0.5, 0.5]);
    expect(host.updates).toBeGreaterThan(0);
  });
});
