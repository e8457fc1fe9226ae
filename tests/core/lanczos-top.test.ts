/** topEigenvalues (Lanczos with full reorthogonalization) against a dense eigen-solve of the same operator. */
import { describe, expect, it } from 'vitest';
import { topEigenvalues, type VectorOperator } from '../../src/core/lanczos-top';
import { symmetricEigenvalues } from '../../src/core/spectrum';
import { testValues } from '../helpers/tolerance';

/** A = Q diag(lambda) Q^T with Q three Householder reflections (a full matrix), as an operator and densely. */
function operatorWithSpectrum(eigenvalues: readonly number[]): { apply: VectorOperator; dense: Float64Array } {
  const p = eigenvalues.length;
  const normals = [201, 202, 203].map((seed) => {
    const u = Float64Array.from(testValues(p, seed));
    const norm = Math.hypot(...u);
    return u.map((x) => x / norm);
  });
  const reflect = (u: Float64Array, x: Float64Array) => {
    let d = 0;
    for (let e = 0; e < p; e++) d += u[e]! * x[e]!;
    return x.map((value, e) => value - 2 * d * u[e]!);
  };
  const apply = (v: Float64Array) => normals.reduceRight((x, u) => reflect(u, x), normals.reduce((x, u) => reflect(u, x), v).map((x, e) => eigenvalues[e]! * x));
  const dense = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    const unit = new Float64Array(p);
    unit[k] = 1;
    apply(unit).forEach((value, i) => (dense[i * p + k] = value));
  }
  return { apply, dense };
}

const start = (p: number) => testValues(p, 77);

describe('topEigenvalues', () => {
  it('finds the 6 largest eigenvalues of a 120 x 120 operator, each within its residual of the dense ones', async () => {
    const spectrum = Array.from({ length: 120 }, (_, i) => Math.sin(1 + 0.37 * i) * (1 + i / 60));
    const { apply, dense } = operatorWithSpectrum(spectrum);
    const exact = symmetricEigenvalues(dense, 120);
    const result = await topEigenvalues(apply, start(120), { count: 6, tolerance: 1e-10 });
    expect(result.converged).toBe(true);
    expect(result.values).toHaveLength(6);
    result.values.forEach((value, t) => {
      // Kahan: an eigenvalue lies within the residual; with reorthogonalization it is the t-th one (no ghosts).
      expect(Math.abs(value - exact[t]!), `value ${t}`).toBeLessThanOrEqual(result.residuals[t]! + 1e-12);
      expect(Math.abs(value - exact[t]!), `value ${t}`).toBeLessThan(1e-8);
    });
  });

  it('stops exactly on an invariant subspace: 4 distinct eigenvalues take 4 products', async () => {
    const spectrum = Array.from({ length: 40 }, (_, i) => [5, 2, -1, 0.5][i % 4]!);
    const { apply } = operatorWithSpectrum(spectrum);
    let products = 0;
    const result = await topEigenvalues((v) => (products++, apply(v)), start(40), { count: 3 });
    expect(result).toMatchObject({ converged: true, iterations: 4 });
    expect(products).toBe(4);
    [5, 2, 0.5].forEach((value, t) => expect(result.values[t]).toBeCloseTo(value, 10));
  });

  it('reports converged = false at its cap, with residuals that still bound the error, and awaits an async operator', async () => {
    const spectrum = Array.from({ length: 200 }, (_, i) => 1 - i / 200);
    const { apply, dense } = operatorWithSpectrum(spectrum);
    const exact = symmetricEigenvalues(dense, 200);
    const result = await topEigenvalues(async (v) => apply(v), start(200), { count: 2, maxIterations: 8, tolerance: 1e-12 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(8);
    result.values.forEach((value, t) => expect(Math.min(...Array.from(exact, (e) => Math.abs(e - value)))).toBeLessThanOrEqual(result.residuals[t]! + 1e-12));
  });

  it('refuses a zero start vector and a count below 1', async () => {
    const { apply } = operatorWithSpectrum([1, 2, 3]);
    await expect(topEigenvalues(apply, new Float64Array(3), { count: 1 })).rejects.toThrow(/start vector is zero/);
    await expect(topEigenvalues(apply, start(3), { count: 0 })).rejects.toThrow(/count must be a positive integer/);
  });
});
