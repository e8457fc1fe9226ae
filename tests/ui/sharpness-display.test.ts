import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema';
import { learningRateWarning, metricSeries } from '../../src/ui/sharpness-display';

const converged = { sharpnessResidual: 1e-7, sharpnessConverged: 1, sharpnessIterations: 12 };
const stalled = { sharpnessResidual: 2.5e-3, sharpnessConverged: 0, sharpnessIterations: 100 };

describe('sharpness in the app', () => {
  it('marks the values of unconverged rows, with their residual and iterations, and nothing else', () => {
    const rows = [
      { step: 0, loss: 1, sharpness: 0.5, sharpnessParticleTime: 50, ...converged },
      { step: 10, loss: 0.5, sharpness: 0.75, sharpnessParticleTime: 75, ...stalled },
      { step: 20, loss: 0.25 },
    ];
    const series = metricSeries('this run', rows, 'sharpnessParticleTime');
    expect(series.steps).toEqual([0, 10]);
    expect(series.values).toEqual([50, 75]);
    expect(series.unconverged).toEqual([undefined, 'not converged: residual 2.50e-3 after 100 Lanczos iterations']);
    expect(metricSeries('this run', rows, 'sharpness').unconverged![1]).toMatch(/not converged/);
    // Other metrics, and sharpness series without an unconverged row, carry no marks.
    expect(metricSeries('this run', rows, 'loss').unconverged).toBeUndefined();
    expect(metricSeries('this run', rows.slice(0, 1), 'sharpness').unconverged).toBeUndefined();
  });

  it('compares lr with 2 / sharpness in particle time, also when only the parameter-unit sharpness is logged', () => {
    // Mean-field, m = 100: lr 0.5 with lambda_max = 0.05 gives lr m lambda_max = 2.5 > 2.
    const meanField = parseConfig({ model: { width: 100, scaling: 'mean-field' }, optimizer: { learningRate: 0.5 } });
    const warning = learningRateWarning(meanField, [{ step: 5, sharpness: 0.05, ...converged }]);
    expect(warning).toMatch(/exceeds 2 \/ sharpness = 0\.4000 \(sharpness 5\.000 = 100 λ_max, particle time at step 5\)/);
    expect(warning).not.toMatch(/did not converge/);
    // Below the bound in particle time, though lr * lambda_max alone would be tiny either way.
    expect(learningRateWarning(meanField, [{ step: 5, sharpness: 0.03, ...converged }])).toBe('');
    // sharpnessParticleTime is used as it is; an unconverged value says so.
    const rough = learningRateWarning(meanField, [{ step: 7, sharpnessParticleTime: 5, ...stalled }]);
    expect(rough).toMatch(/did not converge \(residual 0\.002500 in parameter units after 100 iterations\)/);
    // ntk: the factor is 1.
    const ntk = parseConfig({ model: { width: 100, scaling: 'ntk' }, optimizer: { learningRate: 0.5 } });
    expect(learningRateWarning(ntk, [{ step: 1, sharpness: 5, ...converged }])).toMatch(/= λ_max at step 1/);
    expect(learningRateWarning(ntk, [{ step: 1, loss: 3 }])).toBe('');
  });
});
