import { describe, expect, it } from 'vitest';
import { KernelArgumentError } from '../../src/core/errors';
import { slicedW2Squared } from '../../src/kernels/sliced';
import * as reference from '../../src/float64/sliced';
import { slicedDirections } from '../../src/core/sliced-directions';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { expectClose, reductionTolerance, testValues } from '../helpers/tolerance';

describe('sliced', () => {
  it('draws reproducible unit directions from the seed', () => {
    const first = slicedDirections(7, 5, 4);
    expect(slicedDirections(7, 5, 4)).toEqual(first);
    expect(slicedDirections(8, 5, 4)).not.toEqual(first);
    for (let l = 0; l < 5; l++) expect(Math.hypot(...first.subarray(l * 4, l * 4 + 4))).toBeCloseTo(1, 14);
  });

  it('matches 1-D quantile matching by hand for unequal sizes', () => {
    // x = {0, 1} (cells [0, 1/2), [1/2, 1)), y = {0, 3, 6} (cells of 1/3): overlaps 1/3, 1/6, 1/6, 1/3.
    expect(reference.quantileCost([0, 1], [0, 3, 6])).toBeCloseTo((1 / 3) * 0 + (1 / 6) * 9 + (1 / 6) * 4 + (1 / 3) * 25, 14);
    // A cloud and the same cloud with every point repeated three times are the same measure.
    expect(reference.quantileCost([-1, 0.5, 2], [-1, -1, -1, 0.5, 0.5, 0.5, 2, 2, 2])).toBe(0);
  });

  // [n, p, k, L]: equal sizes, unequal sizes (quantile matching), awkward lengths across a power of two.
  it.each([
    [200, 200, 3, 16],
    [37, 53, 5, 8],
    [65, 1, 2, 3],
  ] as const)('SW2^2 of %i and %i points in R^%i along %i directions matches the twin', async (n, p, dim, directionCount) => {
    const x = testValues(n * dim, 3);
    const y = testValues(p * dim, 4).map((v) => 0.5 * v + 0.25);
    const result = await onGpu('sliced', (gpu) => slicedW2Squared(gpu, x, y, dim, { directionCount, seed: 9 }));
    const directions = slicedDirections(9, directionCount, dim);
    const expected = reference.slicedW2Squared(x, y, directions, { xCount: n, yCount: p, dim, directionCount });
    // Projections carry 2^-24 relative rounding (and f32 directions); the cost sums n + p squared
    // differences of O(k) magnitude per direction, then L of those.
    const tolerance = reductionTolerance((n + p) * dim, dim);
    expectClose(result.perDirection, expected.perDirection, tolerance, 'per-direction W2^2');
    expectClose([result.value], [expected.value], tolerance, 'SW2^2');
  });

  it('rejects bad input before dispatching', async () => {
    const gpu = await getTestGpu();
    const x = testValues(6, 1);
    await expect(slicedW2Squared(gpu, new Float32Array(0), x, 2)).rejects.toThrow(KernelArgumentError);
    await expect(slicedW2Squared(gpu, x, x.subarray(1), 2)).rejects.toThrow(/'y' has 5 elements/);
    await expect(slicedW2Squared(gpu, x, x.map((v, i) => (i === 4 ? Infinity : v)), 2)).rejects.toThrow(/'y' contains Infinity at index 4/);
    await expect(slicedW2Squared(gpu, x, x, 2, { directionCount: 0 })).rejects.toThrow(/'directionCount'/);
    await expect(slicedW2Squared(gpu, x, x, 2, { seed: -1 })).rejects.toThrow(/'seed'/);
    await expect(slicedW2Squared(gpu, new Float32Array(70000), new Float32Array(69999), 1, { directionCount: 1 })).rejects.toThrow(/xCount \* yCount/);
  });

  it('pairs equal clouds i with i, so 65536 + 65536 points (n p = 2^32) work and match the twin', async () => {
    const n = 65536;
    const x = testValues(n, 5);
    const y = testValues(n, 6).map((v) => 0.5 * v - 0.125);
    const result = await onGpu('sliced', (gpu) => slicedW2Squared(gpu, x, y, 1, { directionCount: 1, seed: 3 }));
    const directions = slicedDirections(3, 1, 1);
    const expected = reference.slicedW2Squared(x, y, directions, { xCount: n, yCount: n, dim: 1, directionCount: 1 });
    expectClose([result.value], [expected.value], reductionTolerance(2 * n, 1), 'SW2^2 at n = p = 65536');
  });
});
