import { describe, expect, it } from 'vitest';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { KernelArgumentError } from '../../src/core/errors';
import * as reference from '../../src/float64/linear-logistic';
import type { LinearRunSettings } from '../../src/core/linear-run';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { runLinearLogistic } from '../helpers/kernel-arrays/linear-logistic';
import { expectClose, testValues } from '../helpers/tolerance';

/** Signed samples s_i = y_i x_i with |x_i| <= 1 (rows scaled onto norms in (0, 1]). */
function signedSamples(n: number, d: number, seed: number): Float32Array {
  const S = testValues(n * d, seed);
  for (let i = 0; i < n; i++) {
    const row = S.subarray(i * d, (i + 1) * d);
    const norm = Math.hypot(...row) || 1;
    row.forEach((v, k) => (row[k] = v / norm * (0.5 + 0.5 * Math.abs(S[i]!))));
  }
  return S;
}

const RULES: readonly LinearRunSettings[] = [
  { rule: 'gd', learningRate: 4, momentum: 0 },
  { rule: 'normalized-gd', learningRate: 1, momentum: 0 },
  { rule: 'gd', learningRate: 1, momentum: 0.9 },
  { rule: 'normalized-gd', learningRate: 0.3, momentum: 0.5 },
];

// T float32 steps, each a sum of n terms: rounding accumulates like T * sqrt(n) * 2^-24 relative to |w|
// (about 1e-4 for T = 64, n = 67 after the 64 |coefficient| <= 1 terms); 1e-3 leaves 10x room for exp/log
// ulps and still catches an indexing or sign bug, which changes w by O(lr) per step.
const STEPS = 64;
const TOLERANCE = { abs: 1e-3, rel: 1e-3 };

describe('linear-logistic', () => {
  const shapes: [string, number, number, number][] = [
    ['1 run', 1, 13, 3],
    ['n = 1', 4, 1, 3],
    ['d = 1', 4, 9, 1],
    ['n not a multiple of the workgroup size', 4, ELEMENTWISE_WORKGROUP_SIZE + 3, 5],
    ['many runs', 2 * ELEMENTWISE_WORKGROUP_SIZE + 5, 17, 2],
  ];

  it.each(shapes)('matches the float64 twin: %s (R=%i, n=%i, d=%i)', async (_label, R, n, d) => {
    const S = signedSamples(n, d, 7 * n + d);
    const runs = Array.from({ length: R }, (_, r) => RULES[r % RULES.length]!);
    const w0 = Float32Array.from(testValues(R * d, R + 3), (v) => 0.5 * v);
    const result = await onGpu('linear-logistic run', (gpu) => runLinearLogistic(gpu, { signedSamples: S, dim: d, runs, initialWeights: w0, stepsPerDispatch: 24 }, STEPS));
    const expected = reference.simulateLinear(S, d, runs, w0, STEPS);
    const scale = Math.max(1, ...Array.from(expected.weights, Math.abs));
    expectClose(result.weights, expected.weights, { abs: TOLERANCE.abs * scale, rel: TOLERANCE.rel }, 'weights');
    expectClose(result.velocity, expected.velocity, { abs: TOLERANCE.abs * scale, rel: TOLERANCE.rel }, 'velocity');
  });

  it('normalized GD stays finite and tracks the twin where L underflows float32', async () => {
    // Start far out along a separating direction: z_i ~ 200, L ~ e^-200 is 0 in float32, grad L / L is not.
    const d = 3;
    const S = Float32Array.from([0.9, 0.1, 0, 0.8, -0.3, 0.2, 0.7, 0.2, -0.4]);
    const w0 = Float32Array.from([250, 0, 0]);
    const runs: LinearRunSettings[] = [{ rule: 'normalized-gd', learningRate: 1, momentum: 0 }];
    const result = await onGpu('linear-logistic underflow', (gpu) => runLinearLogistic(gpu, { signedSamples: S, dim: d, runs, initialWeights: w0 }, 200));
    const expected = reference.simulateLinear(S, d, runs, w0, 200);
    expect(reference.logLoss(w0, S, d)).toBeLessThan(-150);
    expectClose(result.weights, expected.weights, { abs: 1e-4 * 300, rel: 1e-4 }, 'weights after 200 NGD steps');
    expect(Math.abs(result.weights[0]! - 250)).toBeGreaterThan(1); // it moved: the normalized step is O(lr)
  });

  it('rejects bad input before dispatching', async () => {
    const gpu = await getTestGpu();
    const S = new Float32Array(6);
    const ok: LinearRunSettings = { rule: 'gd', learningRate: 1, momentum: 0 };
    await expect(runLinearLogistic(gpu, { signedSamples: S, dim: 0, runs: [ok], initialWeights: [] }, 1)).rejects.toThrow(/'dim'/);
    await expect(runLinearLogistic(gpu, { signedSamples: S, dim: 4, runs: [ok], initialWeights: [0, 0, 0, 0] }, 1)).rejects.toThrow(/'signedSamples'/);
    await expect(runLinearLogistic(gpu, { signedSamples: S, dim: 3, runs: [], initialWeights: [] }, 1)).rejects.toThrow(/'runs.length'/);
    await expect(runLinearLogistic(gpu, { signedSamples: S, dim: 3, runs: [ok], initialWeights: [0, 0] }, 1)).rejects.toThrow(/'initialWeights'.*2 elements/);
    await expect(runLinearLogistic(gpu, { signedSamples: [0, NaN, 0, 0, 0, 0], dim: 3, runs: [ok], initialWeights: [0, 0, 0] }, 1)).rejects.toThrow(/signedSamples.*NaN at index 1/);
    await expect(runLinearLogistic(gpu, { signedSamples: S, dim: 3, runs: [{ ...ok, learningRate: -1 }], initialWeights: [0, 0, 0] }, 1)).rejects.toThrow(/runs\[0\].learningRate/);
    await expect(runLinearLogistic(gpu, { signedSamples: S, dim: 3, runs: [{ ...ok, momentum: 1 }], initialWeights: [0, 0, 0] }, 1)).rejects.toThrow(/runs\[0\].momentum/);
    await expect(runLinearLogistic(gpu, { signedSamples: S, dim: 3, runs: [ok], initialWeights: [0, 0, 0] }, -1)).rejects.toThrow(KernelArgumentError);
  });
});

describe('linear-logistic float64 twin', () => {
  // Central differences with h = 1e-5: truncation O(h^2 |f'''|) ~ 1e-10, rounding O(eps / h) ~ 1e-11.
  const FD_TOLERANCE = { abs: 1e-7, rel: 1e-6 };
  const d = 4;
  const S = signedSamples(11, d, 5);

  function centralDifference(f: (w: Float64Array) => number, w: Float64Array): Float64Array {
    const h = 1e-5;
    return Float64Array.from(w, (_, k) => {
      const up = Float64Array.from(w);
      const down = Float64Array.from(w);
      up[k]! += h;
      down[k]! -= h;
      return (f(up) - f(down)) / (2 * h);
    });
  }

  it.each([[0.3], [3], [30]])('grad L and grad log L match finite differences at |w| scale %f', (scale) => {
    const w = Float64Array.from(testValues(d, 9), (v) => scale * v);
    expectClose(reference.lossGradient(w, S, d), centralDifference((x) => reference.loss(x, S, d), w), FD_TOLERANCE, 'grad L');
    expectClose(reference.logLossGradient(w, S, d).gradient, centralDifference((x) => reference.logLoss(x, S, d), w), FD_TOLERANCE, 'grad log L');
  });

  it('log L and grad log L stay finite where L underflows float64', () => {
    const w = Float64Array.from([900, 0, 0, 0]);
    const T = Float64Array.from([1, 0, 0, 0, 0.9, 0.1, 0, 0]);
    expect(reference.loss(w, T, d)).toBe(0);
    expect(reference.logLoss(w, T, 4)).toBeCloseTo(-810 - Math.log(2), 6);
    const { gradient } = reference.logLossGradient(w, T, 4);
    // Only the sample with the smallest margin (z = 810) carries weight: grad log L -> -s_2.
    expectClose(gradient, [-0.9, -0.1, 0, 0], { abs: 1e-12, rel: 1e-12 }, 'grad log L');
  });

  it('logSoftplus agrees with the direct formula across its branch at t = -30', () => {
    for (const t of [-29.999, -30.001, -40, -5, 0, 5, 50]) {
      const direct = Math.log(Math.log1p(Math.exp(t)));
      expect(Math.abs(reference.logSoftplus(t) - direct)).toBeLessThan(1e-12 * Math.max(1, Math.abs(direct)));
    }
  });
});
