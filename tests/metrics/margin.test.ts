import { describe, expect, it } from 'vitest';
import { linearMargin, maxMarginDirection, twoLayerNormalizedMargin } from '../../src/metrics/margin';
import { testValues } from '../helpers/tolerance';

/** The solver's certificate is 1e-10; 1e-8 is the accuracy the brief asks for, with room for rounding. */
const ACCURACY = 1e-8;

/** Brute force in 2-D: the best unit u is z_i / |z_i| for some i or a point where two constraints tie. */
function bruteForceMargin2d(X: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = y.length;
  const z = Array.from({ length: n }, (_, i) => [y[i]! * X[2 * i]!, y[i]! * X[2 * i + 1]!] as const);
  const candidates: (readonly [number, number])[] = z.map(([p, q]) => [p / Math.hypot(p, q), q / Math.hypot(p, q)]);
  for (let i = 0; i < n; i++) {
    for (let k = i + 1; k < n; k++) {
      const [dx, dy] = [z[i]![0] - z[k]![0], z[i]![1] - z[k]![1]];
      const norm = Math.hypot(dx, dy);
      if (norm > 0) candidates.push([-dy / norm, dx / norm], [dy / norm, -dx / norm]);
    }
  }
  return Math.max(...candidates.map(([u, v]) => Math.min(...z.map(([p, q]) => u * p + v * q))));
}

/** n points in [-1, 1)^d labelled by the side of u_true, keeping those at distance >= gap from its hyperplane. */
function separable(n: number, dim: number, seed: number, gap: number): { X: Float64Array; y: Float64Array; truth: Float64Array } {
  const truth = Float64Array.from(testValues(dim, seed));
  const norm = Math.hypot(...truth);
  truth.forEach((v, k) => (truth[k] = v / norm));
  const X: number[] = [];
  const y: number[] = [];
  const pool = testValues(40 * n * dim, seed + 1);
  for (let start = 0; y.length < n; start += dim) {
    const x = Array.from(pool.subarray(start, start + dim));
    const side = x.reduce((s, v, k) => s + v * truth[k]!, 0);
    if (Math.abs(side) < gap) continue;
    X.push(...x);
    y.push(Math.sign(side));
  }
  return { X: Float64Array.from(X), y: Float64Array.from(y), truth };
}

describe('linear margin', () => {
  it('is the smallest signed distance to the hyperplane, whatever the scale of w', () => {
    const X = [1, 0.5, -2, 0, 0.5, -3];
    const y = [1, -1, 1];
    expect(linearMargin([1, 0], X, y)).toBe(0.5);
    expect(linearMargin([3, 0], X, y)).toBe(0.5);
    expect(linearMargin([0, 1], X, y)).toBeCloseTo(-3, 15);
    expect(() => linearMargin([0, 0], X, y)).toThrow(/w = 0/);
    expect(() => linearMargin([1, 0], X, [1, 0, 1])).toThrow(/y\[1\] is 0/);
    expect(() => linearMargin([1, 0], X.slice(1), y)).toThrow(/X has 5 values/);
  });
});

describe('max-margin direction', () => {
  it('finds the bisector of two unit vectors 120 degrees apart (gamma* = cos 60 = 1/2), ignoring inactive points', () => {
    const angle = (2 * Math.PI) / 3;
    const X = [1, 0, Math.cos(angle), Math.sin(angle), 0.5, 1, -0.5, -0.6];
    const y = [1, 1, 1, -1];
    const result = maxMarginDirection(X, y, 2);
    expect(result.converged).toBe(true);
    expect(Math.abs(result.margin - 0.5)).toBeLessThan(ACCURACY);
    expect(Math.abs(result.direction[0]! - 0.5)).toBeLessThan(ACCURACY);
    expect(Math.abs(result.direction[1]! - Math.sqrt(3) / 2)).toBeLessThan(ACCURACY);
    // Only the two unit vectors are support vectors.
    expect(result.dual[0]).toBeGreaterThan(0);
    expect(result.dual[1]).toBeGreaterThan(0);
    expect([result.dual[2], result.dual[3]]).toEqual([0, 0]);
    expect(linearMargin(result.direction, X, y)).toBeCloseTo(result.margin, 14);
  });

  it.each([1, 2, 3])('matches brute force on random separable 2-D data (seed %i)', (seed) => {
    const { X, y } = separable(25, 2, seed, 0.05);
    const result = maxMarginDirection(X, y, 2);
    expect(result.converged).toBe(true);
    expect(Math.abs(result.margin - bruteForceMargin2d(X, y))).toBeLessThan(ACCURACY);
  });

  it('certifies its answer in five dimensions and beats the labelling direction', () => {
    const { X, y, truth } = separable(60, 5, 9, 0.1);
    const result = maxMarginDirection(X, y, 5);
    expect(result.converged).toBe(true);
    expect(result.gap).toBeLessThanOrEqual(1e-10);
    expect(result.margin).toBeGreaterThanOrEqual(linearMargin(truth, X, y) - ACCURACY);
  });

  it('rejects data that no hyperplane through the origin separates', () => {
    expect(() => maxMarginDirection([1, 0, 2, 0], [1, -1], 2)).toThrow(/not linearly separable/);
    expect(() => maxMarginDirection([1, 0, 0, 0], [1, -1], 2)).toThrow(/x_1 = 0/);
  });
});

describe('two-layer normalized margin', () => {
  const params = { width: 2, inputDim: 2, a: Float64Array.from([2, -1]), W: Float64Array.from([1, 0, 0, 1]) };
  const X = [1, 0, 0, 2, 1, 1];
  const y = [1, -1, 1];

  it('is min_i y_i f(x_i) / |theta|^2 (or / path norm), by hand', () => {
    // f = 2 relu(x1) - relu(x2): f = 2, -2, 1 -> y f = 2, 2, 1; |theta|^2 = 4 + 1 + 1 + 1 = 7; path norm 2 + 1 = 3.
    expect(twoLayerNormalizedMargin(params, X, y, { scaling: 'standard' })).toBeCloseTo(1 / 7, 15);
    expect(twoLayerNormalizedMargin(params, X, y, { scaling: 'standard' }, 'path-norm')).toBeCloseTo(1 / 3, 15);
    // Mean-field scaling divides f by m = 2.
    expect(twoLayerNormalizedMargin(params, X, y, { scaling: 'mean-field' })).toBeCloseTo(1 / 14, 15);
  });

  it('does not change when theta is scaled (2-homogeneity), and refuses a bias', () => {
    const scaled = { ...params, a: params.a.map((v) => 3 * v), W: params.W.map((v) => 3 * v) };
    for (const normalization of ['parameter-norm', 'path-norm'] as const) {
      expect(twoLayerNormalizedMargin(scaled, X, y, { scaling: 'ntk' }, normalization)).toBeCloseTo(twoLayerNormalizedMargin(params, X, y, { scaling: 'ntk' }, normalization), 14);
    }
    expect(() => twoLayerNormalizedMargin({ ...params, b: Float64Array.from([0, 0]) }, X, y, { scaling: 'standard' })).toThrow(/bias/);
  });
});
