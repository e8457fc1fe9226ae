import { describe, expect, it } from 'vitest';
import { RowCompletion } from '../../src/app/row-completion';
import { parseConfig } from '../../src/config/schema';
import { withEnergyResidual } from '../../src/models/two-layer/energy-residual';

const config = (names: string[]) => parseConfig({
  steps: 40,
  model: { width: 8 },
  data: { kind: 'teacher-student', sampleCount: 16, inputDim: 2, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.1 },
  metrics: { every: 10, names },
});

describe('RowCompletion (rows that wait for the next step loss)', () => {
  it('passes rows through when no metric needs the next loss', () => {
    const completion = new RowCompletion(config(['loss']));
    expect(completion.waitsForNextLoss).toBe(false);
    expect(completion.add({ step: 0, loss: 1 }, [])).toEqual([{ step: 0, loss: 1 }]);
  });

  it('holds an energyResidual row until the loss after its step is back, then completes it as the CLI does', () => {
    const energy = config(['loss', 'energyResidual']);
    const completion = new RowCompletion(energy);
    const rows = [{ step: 0, loss: 1, predictedDecrease: 0.05 }, { step: 10, loss: 0.5, predictedDecrease: 0.02 }, { step: 40, loss: 0.2, predictedDecrease: 0.01 }];
    const losses = Array.from({ length: 40 }, (_, t) => Math.exp(-t / 20));
    const cli = withEnergyResidual(rows, losses, energy);
    expect(completion.add(rows[0]!, [])).toEqual([]);
    expect(completion.lastWaitingStep).toBe(0);
    expect(completion.settle(losses.slice(0, 1))).toEqual([]); // L_0 alone
    expect(completion.settle(losses.slice(0, 8))).toEqual([cli[0]]);
    expect(completion.add(rows[1]!, losses.slice(0, 10))).toEqual([]); // L_11 not back yet
    expect(completion.settle(losses.slice(0, 12))).toEqual([cli[1]]);
    expect(Number.isFinite(cli[1]!.energyResidual)).toBe(true);
    expect(completion.add(rows[2]!, losses)).toEqual([]);
    // The end: no loss after the last step, NaN as in the CLI.
    expect(completion.flush(losses)).toEqual([cli[2]]);
    expect(cli[2]!.energyResidual).toBeNaN();
  });

  it('forgets the rows after a checkpoint the run goes on from', () => {
    const completion = new RowCompletion(config(['energyResidual']));
    completion.add({ step: 10, predictedDecrease: 1 }, []);
    completion.add({ step: 20, predictedDecrease: 1 }, []);
    completion.dropAfter(15);
    expect(completion.lastWaitingStep).toBe(10);
  });
});
