import { describe, expect, it } from 'vitest';
import { solveAssignment } from '../../src/metrics/assignment';
import { squaredDiameter } from '../../src/core/sinkhorn-schedule';
import {
  MAX_EXACT_POINTS,
  entropicW2Squared,
  entropicW2SquaredFloat64,
  exactW2Squared,
  slicedW2Squared,
  w2Squared,
} from '../../src/metrics/wasserstein';
import { slicedDirections } from '../../src/core/sliced-directions';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { expectClose, reductionTolerance, testValues } from '../helpers/tolerance';

/** Every permutation of [0, n). */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((rest) => Array.from({ length: n }, (_, k) => [...rest.slice(0, k), n - 1, ...rest.slice(k)]));
}

/** Points of x permuted by a fixed shuffle and shifted by `shift` (row-major, k = shift.length). */
function shuffledShift(x: Float32Array, shift: readonly number[]): Float32Array {
  const dim = shift.length;
  const n = x.length / dim;
  const y = new Float32Array(x.length);
  for (let i = 0; i < n; i++) {
    const source = (i * 7 + 3) % n; // a permutation when gcd(7, n) = 1
    for (let c = 0; c < dim; c++) y[i * dim + c] = x[source * dim + c]! + shift[c]!;
  }
  return y;
}

describe('exact W2 by assignment', () => {
  it.each([1, 2, 3, 5, 7])('matches brute force over all permutations for n = %i', (n) => {
    const cost = Float64Array.from(testValues(n * n, 40 + n), (v) => v * v + 0.3 * v);
    const best = Math.min(...permutations(n).map((sigma) => sigma.reduce((sum, j, i) => sum + cost[i * n + j]!, 0)));
    const { columnOfRow, totalCost } = solveAssignment(cost, n);
    expect(totalCost).toBeCloseTo(best, 12);
    expect([...columnOfRow].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, j) => j));
  });

  it('gives |shift|^2 for a shuffled, shifted copy and the sorted matching in one dimension', () => {
    const x = testValues(40 * 3, 2);
    // Each point moves by s; the identity coupling is optimal (cyclical monotonicity of a translation).
    expect(exactW2Squared(x, shuffledShift(x, [0.3, -0.2, 0.1]), 3)).toBeCloseTo(0.09 + 0.04 + 0.01, 6);
    const a = testValues(30, 5);
    const b = testValues(30, 6).map((v) => v * v);
    const [sortedA, sortedB] = [a.slice().sort(), b.slice().sort()];
    const sorted = sortedA.reduce((sum, v, i) => sum + (v - sortedB[i]!) ** 2, 0) / 30;
    expect(exactW2Squared(a, b, 1)).toBeCloseTo(sorted, 12);
  });

  it('refuses unequal sizes and clouds over the size limit, saying what to use instead', () => {
    expect(() => exactW2Squared(new Float32Array(6), new Float32Array(8), 2)).toThrow(/equal size.*3 and 4.*'entropic' or 'sliced'/);
    const big = new Float32Array(MAX_EXACT_POINTS + 1);
    expect(() => exactW2Squared(big, big, 1)).toThrow(/at most 512 points/);
    expect(() => exactW2Squared(new Float32Array(5), new Float32Array(5), 2)).toThrow(/'x' has 5 values/);
  });
});

describe('entropic W2', () => {
  const n = 24;
  const dim = 2;
  const x = testValues(n * dim, 81);
  const y = testValues(n * dim, 82).map((v, i) => (i % 2 === 0 ? 0.6 * v + 0.4 : v));
  const exact = exactW2Squared(x, y, dim);
  const diameterSquared = squaredDiameter(x, y, dim);
  // Sinkhorn needs O(1/eps) iterations near a degenerate plan: at eps = 0.01 these clouds take about
  // 4000 (in float64 too) to reach 1e-4, so the tests stop at 1e-3 and account for the residual below.
  const tolerance = 1e-3;

  it('tends to the exact W2^2 as eps -> 0, within eps log n', async () => {
    const gaps: number[] = [];
    for (const epsilon of [0.1, 0.03, 0.01]) {
      const result = await onGpu(`entropic eps ${epsilon}`, (gpu) => entropicW2Squared(gpu, x, y, dim, { epsilon, tolerance, maxIterations: 3000 }));
      expect(result.converged).toBe(true);
      // Exact marginals would give W2^2 <= <P, C> <= W2^2 + eps KL(P | a x b) <= W2^2 + eps log n;
      // the remaining marginal error (L1) moves <P, C> by at most marginalError * D either way.
      const slack = result.marginalError * diameterSquared;
      const gap = result.transportCost - exact;
      expect(gap).toBeGreaterThanOrEqual(-slack);
      expect(gap).toBeLessThanOrEqual(epsilon * Math.log(n) + slack);
      gaps.push(gap);
    }
    expect(gaps[2]!).toBeLessThan(gaps[0]!);
  });

  it('debiased divergence: zero between a cloud and itself, close to W2^2 at small eps, like the twin', async () => {
    const options = { epsilon: 0.01, tolerance, maxIterations: 3000, debias: true };
    const result = await onGpu('sinkhorn divergence', (gpu) => entropicW2Squared(gpu, x, y, dim, options));
    const expected = entropicW2SquaredFloat64(x, y, dim, options);
    // Converged dual objectives: within tolerance * D of each other (see the eps -> 0 test), three of them.
    const converged = { abs: 3 * tolerance * diameterSquared, rel: 0 };
    expectClose([result.divergence!, result.transportCost], [expected.divergence!, expected.transportCost], converged, 'divergence and cost');
    expect(Math.abs(result.divergence! - exact)).toBeLessThan(0.01 * Math.log(n));
    const self = entropicW2SquaredFloat64(x, x, dim, options);
    expect(Math.abs(self.divergence!)).toBeLessThan(1e-12);
  });
});

describe('sliced W2', () => {
  it('of a cloud and its shifted copy is the mean squared projection of the shift', async () => {
    const dim = 3;
    const shift = [0.5, -0.25, 0.125];
    const x = testValues(100 * dim, 12);
    const y = shuffledShift(x, shift);
    const directionCount = 32;
    const result = await onGpu('sliced shift', (gpu) => slicedW2Squared(gpu, x, y, dim, { directionCount, seed: 4 }));
    // Projections of x + s are those of x moved by <theta, s>: the sorted orders match, every 1-D W2^2 is <theta, s>^2.
    const directions = slicedDirections(4, directionCount, dim);
    const perDirection = Array.from({ length: directionCount }, (_, l) => shift.reduce((sum, s, c) => sum + directions[l * dim + c]! * s, 0) ** 2);
    const tolerance = reductionTolerance(100 * dim, dim);
    expectClose(result.perDirection, perDirection, tolerance, 'per-direction <theta, s>^2');
    expectClose([result.value], [perDirection.reduce((a, b) => a + b) / directionCount], tolerance, 'SW2^2');
  });

  it('in one dimension equals the exact W2^2, and ignores point multiplicity for unequal sizes', async () => {
    const x = testValues(50, 13);
    const y = testValues(50, 14).map((v) => 2 * v + 1);
    const exact = exactW2Squared(x, y, 1);
    const gpu = await getTestGpu();
    const sliced = await onGpu('sliced 1-D', () => w2Squared(gpu, x, y, 1, { method: 'sliced', directionCount: 2 }));
    expectClose([sliced], [exact], reductionTolerance(100, 4), '1-D sliced vs exact');
    const tripled = new Float32Array(150).map((_, i) => y[i % 50]!);
    const unequal = await onGpu('sliced unequal', () => w2Squared(gpu, x, tripled, 1, { method: 'sliced', directionCount: 1 }));
    expectClose([unequal], [exact], reductionTolerance(200, 4), 'same measure with every point three times');
  });
});

describe('w2Squared', () => {
  it('dispatches to the three methods', async () => {
    const gpu = await getTestGpu();
    const x = testValues(16, 21);
    const y = testValues(16, 22);
    const exact = await w2Squared(gpu, x, y, 2, { method: 'exact' });
    expect(exact).toBeCloseTo(exactW2Squared(x, y, 2), 12);
    const entropic = await onGpu('entropic', () => w2Squared(gpu, x, y, 2, { method: 'entropic', epsilon: 0.01, tolerance: 1e-3, maxIterations: 3000 }));
    expect(Math.abs(entropic - exact)).toBeLessThan(0.01 * Math.log(8) + 1e-3);
    const sliced = await onGpu('sliced', () => w2Squared(gpu, x, y, 2, { method: 'sliced' }));
    // SW2^2 <= W2^2 (each 1-D coupling from the optimal one is feasible and |<theta, d>| <= |d|).
    expect(sliced).toBeLessThanOrEqual(exact + 1e-6);
  });
});
