import { describe, expect, it } from 'vitest';
import { energyDissipationResidual, energyIdentityProblem, meanSquaredVelocity } from '../../src/metrics/energy-dissipation';
import type { TrainableParts } from '../../src/core/conventions';
import { empiricalRisk, gradients, trainStep, type TwoLayerParams } from '../../src/float64/two-layer';
import { testValues } from '../helpers/tolerance';

describe('energy dissipation', () => {
  it('computes (1/m) sum_j |m grad_j|^2 over the parts that move', () => {
    const grads = { gradA: [1, 2], gradW: [0.5, 0, 0, 0.5], gradB: [1, 1] };
    // |gradA|^2 = 5, |gradW|^2 = 0.5, |gradB|^2 = 2; times m = 2.
    expect(meanSquaredVelocity(grads, 2)).toBe(15);
    expect(meanSquaredVelocity(grads, 2, 'first')).toBe(5);
    expect(meanSquaredVelocity(grads, 2, 'second')).toBe(10);
    expect(() => meanSquaredVelocity(grads, 0)).toThrow(/width/);
  });

  it('measures the loss change against lr (1/m) sum |v_j|^2', () => {
    const result = energyDissipationResidual({ lossBefore: 1, lossAfter: 0.8, learningRate: 0.1, meanSquaredVelocity: 2.5 });
    expect(result.predictedDecrease).toBeCloseTo(0.25, 15);
    expect(result.residual).toBeCloseTo(0.05, 15);
    expect(result.relativeResidual).toBeCloseTo(0.2, 14);
    expect(() => energyDissipationResidual({ lossBefore: NaN, lossAfter: 0, learningRate: 1, meanSquaredVelocity: 1 })).toThrow(/lossBefore/);
  });

  const width = 16;
  const inputDim = 3;
  const sampleCount = 20;
  const params: TwoLayerParams = {
    width,
    inputDim,
    a: Float64Array.from(testValues(width, 1), (v) => 2 * v),
    W: Float64Array.from(testValues(width * inputDim, 2), (v) => 2 * v),
  };
  const X = Float64Array.from(testValues(sampleCount * inputDim, 3));
  const y = Float64Array.from(testValues(sampleCount, 4));

  /** Relative residual of one float64 mean-field GD step (particle time) from `params`. */
  function relativeResidual(learningRate: number, trainable: TrainableParts): number {
    const options = { scaling: 'mean-field' as const, loss: 'square' as const, learningRate, trainable };
    const grad = gradients(params, X, y, sampleCount, options);
    const next = trainStep(params, X, y, sampleCount, options);
    return energyDissipationResidual({
      lossBefore: grad.loss,
      lossAfter: empiricalRisk(next, X, y, sampleCount, options),
      learningRate,
      meanSquaredVelocity: meanSquaredVelocity(grad, width, trainable),
    }).relativeResidual;
  }

  it.each(['both', 'first', 'second'] as const)('is O(lr) for the reference two-layer gradients: halving lr halves it (%s)', (trainable) => {
    const residuals = [0.04, 0.02, 0.01].map((lr) => relativeResidual(lr, trainable));
    // L(theta - lr v) = L - lr |v|^2 / m + lr^2 v.Hv / (2 m^2) + O(lr^3): relative residual = lr (const) + O(lr^2).
    expect(Math.abs(residuals[2]!)).toBeLessThan(0.05);
    for (const k of [1, 2]) {
      const ratio = residuals[k]! / residuals[k - 1]!;
      expect(ratio).toBeGreaterThan(0.4);
      expect(ratio).toBeLessThan(0.6);
    }
  });
});

describe('energy dissipation: when a run can check the identity', () => {
  const plain = { optimizer: { rule: { kind: 'gd' } }, online: false };

  it('accepts plain full-batch GD at a constant rate only, naming the field that rules a run out', () => {
    expect(energyIdentityProblem(plain)).toBeUndefined();
    expect(energyIdentityProblem({ ...plain, optimizer: { ...plain.optimizer, batchSize: 8 } })).toMatch(/^optimizer\.batchSize is 8 \(minibatch SGD/);
    expect(energyIdentityProblem({ ...plain, online: true })).toMatch(/^online is true/);
    expect(energyIdentityProblem({ ...plain, optimizer: { rule: { kind: 'adam' } } })).toMatch(/^optimizer\.rule is 'adam'/);
    expect(energyIdentityProblem({ ...plain, optimizer: { ...plain.optimizer, jko: {} } })).toMatch(/^optimizer\.jko is set/);
    expect(energyIdentityProblem({ ...plain, optimizer: { ...plain.optimizer, schedule: {} } })).toMatch(/^optimizer\.schedule is set/);
  });
});
