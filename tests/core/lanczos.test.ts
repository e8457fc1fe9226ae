import { describe, expect, it } from 'vitest';
import { LANCZOS_DEFAULTS, firstConverged, lanczos, ritzResidual, topRitzPair, type LinearOperator } from '../../src/core/lanczos';
import { symmetricEigen, symmetricEigenvalues } from '../../src/core/spectrum';
import { tridiagonalEigen } from '../../src/core/tridiagonal';
import { testValues } from '../helpers/tolerance';
import { powerIterationSharpness } from '../helpers/power-iteration';

/**
 * A dense symmetric operator with a chosen spectrum: A = Q diag(lambda) Q^T, Q a product of `reflections`
 * Householder reflections with deterministic normals (so A is full, not diagonal in the standard basis).
 */
function constructedOperator(eigenvalues: readonly number[], reflections = 4): { apply: LinearOperator; dense: Float64Array } {
  const p = eigenvalues.length;
  const normals = Array.from({ length: reflections }, (_, r) => {
    const u = Float64Array.from(testValues(p, 101 + r));
    const norm = Math.hypot(...u);
    return u.map((x) => x / norm);
  });
  // Q x = H_1 H_2 ... H_r x with H = I - 2 u u^T; Q^T applies them in the reverse order.
  const reflect = (u: Float64Array, x: Float64Array) => {
    let d = 0;
    for (let e = 0; e < p; e++) d += u[e]! * x[e]!;
    return x.map((value, e) => value - 2 * d * u[e]!);
  };
  const q = (x: Float64Array) => normals.reduceRight((v, u) => reflect(u, v), x);
  const qT = (x: Float64Array) => normals.reduce((v, u) => reflect(u, v), x);
  const apply: LinearOperator = (v) => q(qT(v).map((x, e) => eigenvalues[e]! * x));
  const dense = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    const unit = new Float64Array(p);
    unit[k] = 1;
    apply(unit).forEach((value, i) => (dense[i * p + k] = value));
  }
  return { apply, dense };
}

/** lambda_max = 1, lambda_min = -0.997 (the ratio), the other p - 2 spread over [-0.95, 0.9]. */
function hardSpectrum(p: number): number[] {
  return [1, -0.997, ...Array.from({ length: p - 2 }, (_, i) => -0.95 + (1.85 * i) / (p - 3))];
}

const START_SEED = 7;

describe('tridiagonalEigen (implicit QL)', () => {
  it.each([1, 2, 5, 17, 40])('matches the dense symmetric eigen-solve, values and vectors (k = %i)', (k) => {
    const diagonal = testValues(k, k);
    // Every third coupling tiny: the matrix splits into blocks, which QL must handle.
    const off = Array.from(testValues(Math.max(k - 1, 1), k + 50)).slice(0, k - 1).map((x, i) => (i % 3 === 2 ? 1e-14 * x : x));
    const dense = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      dense[i * k + i] = diagonal[i]!;
      if (i < k - 1) dense[i * k + i + 1] = dense[(i + 1) * k + i] = off[i]!;
    }
    const exact = symmetricEigen(dense, k);
    const mine = tridiagonalEigen(diagonal, off);
    // float64 QL and the dense solver agree to a few ulps of the spectrum's scale (|T| <= 3).
    mine.values.forEach((value, t) => expect(Math.abs(value - exact.values[t]!), `value ${t}`).toBeLessThan(1e-13));
    for (let t = 0; t < k; t++) {
      // T z = lambda z and |z| = 1 for every column (eigenvectors are unique only up to sign).
      let norm = 0;
      for (let i = 0; i < k; i++) {
        let row = 0;
        for (let j = 0; j < k; j++) row += dense[i * k + j]! * mine.vectors[j * k + t]!;
        expect(Math.abs(row - mine.values[t]! * mine.vectors[i * k + t]!), `(T z - lambda z)[${i}] of ${t}`).toBeLessThan(1e-13);
        norm += mine.vectors[i * k + t]! ** 2;
      }
      expect(norm).toBeCloseTo(1, 13);
    }
    // Tracking the last row alone gives that row of the full matrix.
    const last = tridiagonalEigen(diagonal, off, [k - 1]);
    last.vectors.forEach((z, t) => expect(z).toBeCloseTo(mine.vectors[(k - 1) * k + t]!, 12));
    expect(() => tridiagonalEigen(diagonal, off, [k])).toThrow(RangeError);
  });
});

describe('Lanczos (float64)', () => {
  const p = 200;
  const { apply, dense } = constructedOperator(hardSpectrum(p));
  const start = testValues(p, START_SEED);
  const exact = symmetricEigenvalues(dense, p);

  it('converges in a few dozen iterations to lambda_max when lambda_min = -0.997 lambda_max, where power iteration cannot', () => {
    expect(exact[0]).toBeCloseTo(1, 12);
    expect(exact[p - 1]).toBeCloseTo(-0.997, 12);
    const result = lanczos(apply, start);
    expect(result.converged).toBe(true);
    // Measured: 29 iterations. Kaniel-Paige-Saad with gap 0.1 over a spread of 2 predicts a few dozen.
    expect(result.iterations).toBeLessThanOrEqual(40);
    // The stop asks for a residual <= 1e-5; the eigenvalue error is ~ residual^2 / gap, far below 1e-9.
    expect(Math.abs(result.estimate - exact[0]!)).toBeLessThan(1e-9 * exact[0]!);
    expect(result.ritzEstimate).toBeLessThanOrEqual(LANCZOS_DEFAULTS.tolerance * result.estimate);
    // In exact arithmetic the true residual equals the Ritz estimate; in float64 it agrees to many digits here.
    expect(result.residual).toBeCloseTo(result.ritzEstimate, 9);
    expect(result.alphas.length).toBe(result.iterations);
    expect(result.betas.length).toBe(result.iterations);
    // The old method: 200 power iterations on A (rate |lambda_min| / lambda_max = 0.997 per step) do not find lambda_max (measured: 0.15, unconverged).
    const old = powerIterationSharpness(apply, start, 200, 1e-5);
    expect(Math.abs(old.estimate - exact[0]!)).toBeGreaterThan(0.1);
  });

  it('reports converged = false at a cap that is too small, with the true residual of its Ritz pair', () => {
    const result = lanczos(apply, start, { maxIterations: 3 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(3);
    const y = result.vector!;
    expect(Math.hypot(...y)).toBeCloseTo(1, 12);
    // |A y - theta y| from the dense matrix.
    const ay = Float64Array.from({ length: p }, (_, i) => y.reduce((sum, x, j) => sum + dense[i * p + j]! * x, 0));
    expect(result.residual).toBeCloseTo(ritzResidual(ay, y, result.estimate), 12);
    expect(result.residual).toBeGreaterThan(1e-2);
    // A Ritz value lies inside the spectrum, and within the residual of some eigenvalue (Kahan).
    expect(result.estimate).toBeLessThanOrEqual(exact[0]!);
    expect(Math.min(...Array.from(exact, (lambda) => Math.abs(lambda - result.estimate)))).toBeLessThanOrEqual(result.residual);
  });

  it('stops at once on an invariant subspace (an eigenvector start, the zero operator) and reports NaN from a NaN operator', () => {
    const diagonal: LinearOperator = (v) => v.map((x, e) => [3, -2, 1][e]! * x);
    const eigen = lanczos(diagonal, [1, 0, 0]);
    expect([eigen.estimate, eigen.iterations, eigen.converged, eigen.residual]).toEqual([3, 1, true, 0]);
    const zero = lanczos((v) => v.map(() => 0), [1, 2, 3]);
    expect([zero.estimate, zero.iterations, zero.converged, zero.residual]).toEqual([0, 1, true, 0]);
    const broken = lanczos((v) => v.map(() => NaN), [1, 2, 3]);
    expect(broken.estimate).toBeNaN();
    expect(broken.converged).toBe(false);
    expect(() => lanczos(diagonal, [0, 0, 0])).toThrow(/zero/);
    expect(() => lanczos(diagonal, [1, 1, 1], { maxIterations: 0 })).toThrow(/maxIterations/);
    expect(() => lanczos(diagonal, [1, 1, 1], { tolerance: -1 })).toThrow(/tolerance/);
  });

  it('finds the exact spectrum of T at k = p (the Krylov space is everything)', () => {
    const small = constructedOperator([2, 1, -0.5, -1.9, 0.3]);
    const result = lanczos(small.apply, testValues(5, 3), { tolerance: 0, maxIterations: 5 });
    expect(result.estimate).toBeCloseTo(2, 12);
    // firstConverged and topRitzPair read the same coefficients the way the GPU's host loop does.
    expect(firstConverged(result, 1, 5, 1e-8)).toBe(5);
    expect(topRitzPair(result, 5).value).toBe(result.estimate);
    expect(() => topRitzPair(result, 6)).toThrow(RangeError);
  });
});
