import { describe, expect, it } from 'vitest';
import { KernelArgumentError } from '../../src/core/errors';
import { sinkhorn } from '../../src/kernels/sinkhorn-solver';
import { threadsPerRowFor } from '../../src/kernels/sinkhorn';
import { squaredDiameter } from '../../src/core/sinkhorn-schedule';
import * as reference from '../../src/float64/sinkhorn';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { F32_EPSILON, expectClose, reductionTolerance, testValues } from '../helpers/tolerance';

const DIM = 3;

/** Two clouds in [-1, 1)^3, the second shifted by (0.5, 0, 0) so the plan is not trivial. */
function clouds(n: number, p: number, seed: number): { x: Float32Array; y: Float32Array } {
  const x = testValues(n * DIM, seed);
  const y = testValues(p * DIM, seed + 1).map((v, i) => (i % DIM === 0 ? v + 0.5 : v));
  return { x, y };
}

/**
 * Potentials after T iterations: each half step rounds C_ij (<= D, the squared diameter) and the
 * log-sum-exp to about 2^-24 D; Sinkhorn's map does not amplify errors (it is non-expansive in the
 * sup norm) but they add up like a random walk along the free shift (f + c, g - c): 8 sqrt(T) 2^-24 D.
 */
function potentialTolerance(iterations: number, diameterSquared: number) {
  return { abs: 8 * Math.sqrt(iterations) * F32_EPSILON * diameterSquared, rel: 0 };
}

describe('sinkhorn', () => {
  it('splits long rows over more threads, short ones not at all', () => {
    expect([1, 53, 255, 256, 1000, 4096, 1e6].map(threadsPerRowFor)).toEqual([1, 1, 1, 2, 4, 32, 64]);
  });

  // [n, p, eps, iterations, threads per row]: one thread per row; eps = 0.01, where exp(-C/eps) underflows
  // f32 for C > 1.03 (most pairs here); and a whole workgroup (64 threads) on rows of 9 and 20 columns.
  it.each([
    [37, 53, 0.1, 20, 1],
    [37, 53, 0.01, 40, 4],
    [20, 9, 0.05, 10, 64],
  ] as const)('%i x %i points, eps %f: %i iterations match the float64 twin (%i threads per row)', async (n, p, epsilon, iterations, threadsPerRow) => {
    const { x, y } = clouds(n, p, 5);
    const options = { epsilon, tolerance: 0, maxIterations: iterations, checkEvery: 7, epsilonScaling: 1 };
    const result = await onGpu('sinkhorn', (gpu) => sinkhorn(gpu, x, y, DIM, { ...options, threadsPerRow }));
    const expected = reference.sinkhorn(x, y, DIM, options);
    const diameterSquared = squaredDiameter(x, y, DIM);
    const potentials = potentialTolerance(iterations, diameterSquared);
    expectClose(result.f, expected.f, potentials, 'f');
    expectClose(result.g, expected.g, potentials, 'g');
    // <P, C> and the dual objective: sums of n p terms of size <= D.
    const sums = reductionTolerance(n * p, diameterSquared);
    expectClose([result.transportCost, result.dualObjective], [expected.transportCost, expected.dualObjective], sums, 'cost and dual');
    // The marginal error is a mean of |exp(delta/eps) - 1|: potential errors enter divided by eps.
    const ratio = (2 * potentials.abs) / epsilon;
    expectClose([result.marginalError], [expected.marginalError], { abs: ratio, rel: ratio }, 'marginal error');
    expect(result.iterations).toBe(iterations);
    expect(result.converged).toBe(false);
  });

  it('converges with eps-scaling on 200 x 200 points, and a warm start needs one check', async () => {
    const { x, y } = clouds(200, 200, 11);
    const options = { epsilon: 0.05, tolerance: 1e-4 };
    const result = await onGpu('sinkhorn 200', (gpu) => sinkhorn(gpu, x, y, DIM, options));
    const expected = reference.sinkhorn(x, y, DIM, options);
    expect(result.converged).toBe(true);
    expect(expected.converged).toBe(true);
    expect(result.marginalError).toBeLessThanOrEqual(1e-4);
    // Both plans meet the marginals to 1e-4 in L1: moving that much mass changes <P, C> by at most 1e-4 D.
    const diameterSquared = squaredDiameter(x, y, DIM);
    const converged = { abs: options.tolerance * diameterSquared, rel: 0 };
    expectClose([result.transportCost, result.dualObjective], [expected.transportCost, expected.dualObjective], converged, 'converged cost and dual');
    const warm = await onGpu('sinkhorn warm start', (gpu) => sinkhorn(gpu, x, y, DIM, { ...options, epsilonScaling: 1 }, result));
    expect(warm.converged).toBe(true);
    expect(warm.iterations).toBeLessThanOrEqual(10);
  });

  it('rejects bad input before dispatching', async () => {
    const gpu = await getTestGpu();
    const { x, y } = clouds(4, 5, 1);
    const ok = { epsilon: 0.1 };
    await expect(sinkhorn(gpu, new Float32Array(0), y, DIM, ok)).rejects.toThrow(KernelArgumentError);
    await expect(sinkhorn(gpu, x.subarray(1), y, DIM, ok)).rejects.toThrow(/'x' has 11 elements, not a positive multiple of dim 3/);
    await expect(sinkhorn(gpu, x, y.map((v, i) => (i === 2 ? NaN : v)), DIM, ok)).rejects.toThrow(/'y' contains NaN at index 2/);
    await expect(sinkhorn(gpu, x, y, 0, ok)).rejects.toThrow(/'dim' must be a positive integer/);
    await expect(sinkhorn(gpu, x, y, DIM, { epsilon: 0 })).rejects.toThrow(/'epsilon'/);
    await expect(sinkhorn(gpu, x, y, DIM, { epsilon: 1e-45 })).rejects.toThrow(/'epsilon'/);
    await expect(sinkhorn(gpu, x, y, DIM, { ...ok, tolerance: -1 })).rejects.toThrow(/'tolerance'/);
    await expect(sinkhorn(gpu, x, y, DIM, { ...ok, maxIterations: 0 })).rejects.toThrow(/'maxIterations'/);
    await expect(sinkhorn(gpu, x, y, DIM, { ...ok, epsilonScaling: 1.5 })).rejects.toThrow(/'epsilonScaling'/);
    await expect(sinkhorn(gpu, x, y, DIM, { ...ok, epsilonScaling: 0.9999, initialEpsilon: 1e6 })).rejects.toThrow(/'epsilonScaling'.*levels/);
    await expect(sinkhorn(gpu, x, y, DIM, { ...ok, threadsPerRow: 3 })).rejects.toThrow(/'threadsPerRow'/);
    await expect(sinkhorn(gpu, x, y, DIM, ok, { f: new Float32Array(3), g: new Float32Array(5) })).rejects.toThrow(/'initial.f' has 3 elements, expected 4/);
  });
});
