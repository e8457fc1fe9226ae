import { describe, expect, it } from 'vitest';
import { memberSoFar, type SnapshotContext } from '../../src/app/session-snapshot';
import { parseConfig } from '../../src/config/schema';

const context: SnapshotContext = {
  config: parseConfig({ steps: 100, model: { width: 8 }, data: { kind: 'teacher-student', sampleCount: 16, inputDim: 2, teacher: { kind: 'random', width: 2 } } }),
  backend: 'gpu', device: 'test', wallSeconds: 2, events: [], lossMetric: 'loss',
};
const losses = (n: number) => Array.from({ length: n }, (_, t) => 1 / (t + 1));

describe('a run taken as result.json while it trains', () => {
  it('ends at the last logged row when its loss is the latest known: finalLoss is the loss at stepsTaken', () => {
    const rows = [{ step: 0, loss: 1 }, { step: 20, loss: 0.3 }];
    const result = memberSoFar({ rows, stepLosses: losses(20) }, context);
    expect(result.summary.stepsTaken).toBe(20);
    expect(result.summary.finalLoss).toBe(0.3);
    expect(result.stepLosses).toEqual(losses(20));
    expect(result.metrics).toEqual(rows);
  });

  it('ends one step before the losses back when they go past the last row (the CLI convention: stepsTaken losses, finalLoss after them)', () => {
    const rows = [{ step: 0, loss: 1 }, { step: 20, loss: 0.3 }];
    const result = memberSoFar({ rows, stepLosses: losses(27) }, context);
    expect(result.summary.stepsTaken).toBe(26);
    expect(result.stepLosses).toEqual(losses(26));
    expect(result.summary.finalLoss).toBe(losses(27)[26]);
    expect(result.summary.status).toBe('running (step 26)');
  });

  it('reads the run\'s own loss metric (the landscape: meanValue, no step losses), and has nothing before the first row', () => {
    const result = memberSoFar({ rows: [{ step: 0, meanValue: 4 }, { step: 10, meanValue: 2 }], stepLosses: [] }, { ...context, lossMetric: 'meanValue' });
    expect(result.summary).toMatchObject({ stepsTaken: 10, finalLoss: 2 });
    expect(memberSoFar({ rows: [], stepLosses: [] }, context).summary).toMatchObject({ stepsTaken: 0, finalLoss: NaN });
  });
});
