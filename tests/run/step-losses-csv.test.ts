import { describe, expect, it } from 'vitest';
import { runSetStepLossesCsv, stepLossesCsv } from '../../src/run/step-losses-csv';

describe('step-losses.csv (every step\'s loss, as result.json\'s stepLosses)', () => {
  it('writes one line a step, numbers as they round-trip', () => {
    expect(stepLossesCsv([0.5, 0.1 + 0.2, NaN])).toBe('step,loss\n0,0.5\n1,0.30000000000000004\n2,NaN\n');
    expect(stepLossesCsv([])).toBe('step,loss\n');
  });

  it('writes a run set\'s members with their index and swept values', () => {
    const members = [
      { index: 0, overrides: { 'model.width': 8, 'model.scaling': 'ntk' }, stepLosses: [1, 0.5] },
      { index: 1, overrides: { 'model.width': 16, 'model.scaling': 'ntk' }, stepLosses: [2] },
    ];
    expect(runSetStepLossesCsv(members)).toBe('step,member,model.width,model.scaling,loss\n0,0,8,ntk,1\n1,0,8,ntk,0.5\n0,1,16,ntk,2\n');
  });
});
