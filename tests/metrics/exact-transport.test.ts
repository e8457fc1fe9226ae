/** Exact OT between uniform clouds (assignment on lcm(n, p) copies) against brute force and the 1-D quantile formula. */
import { describe, expect, it } from 'vitest';
import { exactTransport, exactTransportSize, MAX_EXACT_TRANSPORT_SIZE } from '../../src/metrics/exact-transport';
import { testValues } from '../helpers/tolerance';

/** Every permutation of [0, n). */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((rest) => Array.from({ length: n }, (_, k) => [...rest.slice(0, k), n - 1, ...rest.slice(k)]));
}

const squaredDistance = (x: ArrayLike<number>, i: number, y: ArrayLike<number>, j: number, dim: number) => {
  let sum = 0;
  for (let c = 0; c < dim; c++) sum += (x[i * dim + c]! - y[j * dim + c]!) ** 2;
  return sum;
};

/** Row and column sums of a sparse plan. */
function marginals(plan: { rows: Int32Array; columns: Int32Array; masses: Float64Array }, n: number, p: number) {
  const rows = new Float64Array(n);
  const columns = new Float64Array(p);
  plan.masses.forEach((mass, e) => {
    rows[plan.rows[e]!]! += mass;
    columns[plan.columns[e]!]! += mass;
  });
  return { rows, columns };
}

describe('exactTransport', () => {
  it.each([1, 2, 3, 5, 6])('equals the best permutation by brute force for n = p = %i (2-D), with a permutation as plan', (n) => {
    const x = testValues(2 * n, 30 + n);
    const y = testValues(2 * n, 60 + n).map((v) => v + 0.3);
    const best = Math.min(...permutations(n).map((sigma) => sigma.reduce((sum, j, i) => sum + squaredDistance(x, i, y, j, 2), 0))) / n;
    const { w2Squared, plan, assignmentSize } = exactTransport(x, y, 2);
    expect(w2Squared).toBeCloseTo(best, 12);
    expect(assignmentSize).toBe(n);
    expect(Array.from(plan.rows)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect([...plan.columns].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, j) => j));
    for (const mass of plan.masses) expect(mass).toBe(1 / n);
  });

  it.each([
    [3, 5],
    [4, 6],
    [7, 2],
    [1, 4],
  ])('equals the 1-D quantile integral for unequal sizes n = %i, p = %i, with exact marginals', (n, p) => {
    const x = testValues(n, 5 * n + p);
    const y = testValues(p, 7 * p + n).map((v) => 2 * v * v);
    // W2^2 in 1-D: the integral over [0, 1] of (F^-1 - G^-1)^2, quantile cells i/n and j/p merged (written here, not imported).
    const sx = Array.from(x).sort((a, b) => a - b);
    const sy = Array.from(y).sort((a, b) => a - b);
    let quantile = 0;
    const cuts = [...new Set([...Array.from({ length: n + 1 }, (_, i) => i * p), ...Array.from({ length: p + 1 }, (_, j) => j * n)])].sort((a, b) => a - b);
    for (let c = 0; c + 1 < cuts.length; c++) {
      const middle = (cuts[c]! + cuts[c + 1]!) / 2;
      quantile += ((cuts[c + 1]! - cuts[c]!) / (n * p)) * (sx[Math.floor(middle / p)]! - sy[Math.floor(middle / n)]!) ** 2;
    }
    const { w2Squared, plan, assignmentSize } = exactTransport(x, y, 1);
    expect(assignmentSize).toBe(exactTransportSize(n, p));
    expect(w2Squared).toBeCloseTo(quantile, 12);
    const { rows, columns } = marginals(plan, n, p);
    rows.forEach((r) => expect(r).toBeCloseTo(1 / n, 14));
    columns.forEach((c) => expect(c).toBeCloseTo(1 / p, 14));
    const cost = plan.masses.reduce((sum, mass, e) => sum + mass * squaredDistance(x, plan.rows[e]!, y, plan.columns[e]!, 1), 0);
    expect(cost).toBeCloseTo(w2Squared, 13);
  });

  it('refuses sizes whose lcm is over the limit, naming the other methods', () => {
    expect(exactTransportSize(2047, 2048)).toBe(2047 * 2048);
    expect(() => exactTransport(new Float64Array(2047), new Float64Array(2048), 1)).toThrow(new RegExp(`lcm = ${2047 * 2048} > ${MAX_EXACT_TRANSPORT_SIZE}.*sinkhorn or sliced`));
  });
});
