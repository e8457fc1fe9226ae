import { describe, expect, it } from 'vitest';
import { OVERLAID_RUNS, withPastRun } from '../../../src/ui/controllers/run-history';

const run = (losses: number[]) => ({ stepLosses: losses, rows: losses.map((loss, step) => ({ step, loss })) });

describe('run history (previous runs overlaid on the charts)', () => {
  it('keeps copies of the newest runs first, at most OVERLAID_RUNS, and no run that took no step', () => {
    let runs = withPastRun([], 'run 1', run([]));
    expect(runs).toEqual([]);
    const second = run([3, 2]);
    runs = withPastRun(runs, 'run 2', second);
    second.stepLosses.push(1); // the session goes on appending after it was recorded
    expect(runs).toEqual([{ label: 'run 2', stepLosses: [3, 2], rows: [{ step: 0, loss: 3 }, { step: 1, loss: 2 }] }]);
    for (const n of [3, 4, 5]) runs = withPastRun(runs, `run ${n}`, run([n]));
    expect(runs.map((r) => r.label)).toEqual(['run 5', 'run 4', 'run 3']);
    expect(runs).toHaveLength(OVERLAID_RUNS);
  });
});
