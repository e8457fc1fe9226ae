import { describe, expect, it } from 'vitest';
import { linearStability, noiseAlignment, nonUniformity } from '../../src/metrics/sgd-noise';
import { outputJacobian, gramFromJacobian } from '../../src/float64/ntk';
import { symmetricEigenvalues } from '../../src/core/spectrum';
import * as twoLayer from '../../src/float64/two-layer';
import { testValues } from '../helpers/tolerance';
import { makeCurvatureProblem, type CurvatureProblem } from './curvature-problems';

/** Both sides are float64 formulas of O(n p) and O(p^3) operations on O(1) numbers: 1e-9 relative is round-off with wide margin. */
const DENSE_TOLERANCE = 1e-9;

/** Dense p x p pieces from the Jacobian J [n x p]: per-sample gradients g_i are its rows. */
function dense(problem: CurvatureProblem) {
  const n = problem.spec.sampleCount;
  const J = outputJacobian(problem.params, problem.X, n, problem.options);
  const p = J.length / n;
  const row = (i: number) => J.subarray(i * p, (i + 1) * p);
  const outer = (u: ArrayLike<number>, v: ArrayLike<number>, weight: number, into: Float64Array) => {
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) into[a * p + b] += weight * u[a]! * v[b]!;
  };
  const G = new Float64Array(p * p);
  for (let i = 0; i < n; i++) outer(row(i), row(i), 1 / n, G);
  const product = (X: Float64Array, Y: Float64Array) => {
    const out = new Float64Array(p * p);
    for (let a = 0; a < p; a++) for (let t = 0; t < p; t++) for (let b = 0; b < p; b++) out[a * p + b] += X[a * p + t]! * Y[t * p + b]!;
    return out;
  };
  return { J, p, n, row, outer, G, product, K: gramFromJacobian(J, n) };
}

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
}

const TINY = { sampleCount: 6, width: 5, inputDim: 3, loss: 'square' as const, hasBias: true };

describe('sgd-noise: alignment factor mu', () => {
  it.each(['ntk', 'mean-field'] as const)('Tr(Sigma G), |G|_F^2 and mu match the dense p x p computation (%s)', (scaling) => {
    const problem = makeCurvatureProblem({ ...TINY, scaling, seed: 3 });
    const { p, n, row, outer, G, product, K } = dense(problem);
    const { output } = twoLayer.forward(problem.params, problem.X, n, problem.options);
    const e = output.map((f, i) => f - problem.y[i]!);
    // Sigma = (1/n) sum_i e_i^2 g_i g_i^T - grad L grad L^T, grad L = (1/n) sum_i e_i g_i
    const Sigma = new Float64Array(p * p);
    const gradL = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      outer(row(i), row(i), e[i]! ** 2 / n, Sigma);
      row(i).forEach((g, a) => (gradL[a] += (e[i]! * g) / n));
    }
    outer(gradL, gradL, -1, Sigma);
    const SG = product(Sigma, G);
    let trace = 0;
    for (let a = 0; a < p; a++) trace += SG[a * p + a]!;
    const frobenius = G.reduce((sum, value) => sum + value * value, 0);
    const loss = e.reduce((sum, value) => sum + value * value, 0) / (2 * n);
    const result = noiseAlignment(K, e);
    expect(relativeError(result.traceSigmaG, trace)).toBeLessThan(DENSE_TOLERANCE);
    expect(relativeError(result.gramFrobeniusSquared, frobenius)).toBeLessThan(DENSE_TOLERANCE);
    expect(relativeError(result.loss, loss)).toBeLessThan(DENSE_TOLERANCE);
    expect(relativeError(result.mu, trace / (2 * loss * frobenius))).toBeLessThan(DENSE_TOLERANCE);
    expect(result.mu).toBeGreaterThan(0);
  });

  it('is undefined (NaN) at zero loss and rejects mismatched shapes', () => {
    expect(noiseAlignment([1, 0, 0, 1], [0, 0]).mu).toBeNaN();
    expect(() => noiseAlignment([1, 0, 0], [1, 1])).toThrow(/expected 2 x 2/);
    expect(() => noiseAlignment([1, 0, NaN, 1], [1, 1])).toThrow(/NaN at index 2/);
  });
});

describe('sgd-noise: non-uniformity', () => {
  it.each(['ntk', 'mean-field'] as const)('s^2 = lambda_max((1/n) sum H_i^2 - H^2) matches the dense p x p computation (%s)', (scaling) => {
    const problem = makeCurvatureProblem({ ...TINY, scaling, seed: 5 });
    const { p, n, row, outer, G, product, K } = dense(problem);
    const second = new Float64Array(p * p);
    for (let i = 0; i < n; i++) outer(row(i), row(i), K[i * n + i]! / n, second); // H_i^2 = |g_i|^2 g_i g_i^T
    const G2 = product(G, G);
    const noise = second.map((value, k) => value - G2[k]!);
    const expected = symmetricEigenvalues(noise, p)[0]!;
    const factor = scaling === 'mean-field' ? TINY.width : 1;
    const result = nonUniformity(K, n, factor);
    expect(relativeError(result.s2, expected)).toBeLessThan(DENSE_TOLERANCE);
    expect(relativeError(result.s, factor * Math.sqrt(expected))).toBeLessThan(DENSE_TOLERANCE);
  });

  it('reproduces the 1-D escape example of docs/science.md section 4: a = 2, s = 1.8 at the minimum x = 1', () => {
    // f = (f1 + f2)/2 near x = 1: f1 = 0.1 (x - 1)^2, f2 = 1.9 (x - 1)^2, per-sample Hessians 0.2 and 3.8 = g_i^2.
    const g = [Math.sqrt(0.2), Math.sqrt(3.8)];
    const K = [g[0]! * g[0]!, g[0]! * g[1]!, g[1]! * g[0]!, g[1]! * g[1]!];
    expect(nonUniformity(K, 2).s).toBeCloseTo(1.8, 12);
    // SGD (B = 1, lr = 0.7): (1 - 0.7 * 2)^2 + 0.7^2 * 1 * 1.8^2 = 1.7476 > 1, so x = 1 is unstable; GD (B = 2) gives 0.16.
    const sgd = linearStability(K, 2, { learningRate: 0.7, batchSize: 1 });
    expect(sgd.sharpness).toBeCloseTo(2, 12);
    expect(sgd.nonUniformity).toBeCloseTo(1.8, 12);
    expect(sgd.stabilityEigenvalue).toBeCloseTo(0.16 + 0.49 * 3.24, 12);
    expect(linearStability(K, 2, { learningRate: 0.7, batchSize: 2 }).stabilityEigenvalue).toBeCloseTo(0.16, 12);
    // The minimum at x = 0 has both per-sample Hessians 2: s = 0, stable for SGD at lr = 0.7.
    const flat = linearStability([2, 2, 2, 2], 2, { learningRate: 0.7, batchSize: 1 });
    expect(flat.nonUniformity).toBeCloseTo(0, 7);
    expect(flat.stabilityEigenvalue).toBeCloseTo(0.16, 12);
  });
});

describe('sgd-noise: linear stability', () => {
  it('matches the dense p x p matrix (I - eta H)^2 + eta^2 (n - B)/(B (n - 1)) Sigma* in update units', () => {
    const problem = makeCurvatureProblem({ ...TINY, scaling: 'mean-field', seed: 7 });
    const { p, n, row, outer, G, product, K } = dense(problem);
    const factor = TINY.width;
    const sharpness = (factor * symmetricEigenvalues(G, p)[0]!);
    for (const [batchSize, lrTimesSharpness] of [[2, 1.9], [3, 2.3], [6, 2.2]] as const) {
      const learningRate = lrTimesSharpness / sharpness;
      const eta = learningRate * factor;
      const second = new Float64Array(p * p);
      for (let i = 0; i < n; i++) outer(row(i), row(i), K[i * n + i]! / n, second);
      const G2 = product(G, G);
      const noiseWeight = (eta * eta * (n - batchSize)) / (batchSize * (n - 1));
      const step = G.map((value, k) => (Math.floor(k / p) === k % p ? 1 : 0) - eta * value);
      const step2 = product(step, step);
      const matrix = step2.map((value, k) => value + noiseWeight * (second[k]! - G2[k]!));
      const expected = symmetricEigenvalues(matrix, p)[0]!;
      const result = linearStability(K, n, { learningRate, batchSize, factor });
      expect(result.sharpness).toBeCloseTo(sharpness, 9);
      // p = 25 > n = 6: the dense matrix also has the neutral eigenvalue 1 off the span of the gradients.
      expect(expected).toBeGreaterThan(1);
      expect(relativeError(result.stabilityEigenvalue, expected)).toBeLessThan(DENSE_TOLERANCE);
    }
  });

  it('rejects bad batch sizes', () => {
    expect(() => linearStability([1], 1, { learningRate: 0.1, batchSize: 2 })).toThrow(/batchSize/);
    expect(() => linearStability(Float64Array.from(testValues(4, 1)), 2, { learningRate: NaN, batchSize: 1 })).toThrow(/finite/);
  });
});
