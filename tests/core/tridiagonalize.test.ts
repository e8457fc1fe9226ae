/** Householder tridiagonalization and the eigenvalue solve built on it (symmetricEigenvalues), against ml-matrix's dense solver. */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues } from '../../src/core/spectrum';
import { tridiagonalize } from '../../src/core/tridiagonalize';
import { testValues } from '../helpers/tolerance';

/** A symmetric size x size matrix with entries in [-1, 1). */
function symmetric(size: number, seed: number): Float64Array {
  const values = testValues(size * size, seed);
  const matrix = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let k = 0; k <= i; k++) matrix[i * size + k] = matrix[k * size + i] = values[i * size + k]!;
  return matrix;
}

/** ml-matrix's eigenvalues, descending: the reference, written independently of the Householder path. */
function referenceEigenvalues(matrix: Float64Array, size: number): number[] {
  const rows = Array.from({ length: size }, (_, i) => Array.from(matrix.subarray(i * size, (i + 1) * size)));
  return new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues.sort((a, b) => b - a);
}

describe('symmetricEigenvalues (Householder + QL)', () => {
  it.each([1, 2, 3, 7, 30, 90])('matches ml-matrix on a full symmetric matrix of size %i', (size) => {
    const matrix = symmetric(size, 10 + size);
    const mine = symmetricEigenvalues(matrix, size);
    const reference = referenceEigenvalues(matrix, size);
    // Both backward stable: eigenvalues agree to a few ulps of |A| <= size (entries in [-1, 1)), 1e-12 relative is generous.
    reference.forEach((value, t) => expect(Math.abs(mine[t]! - value), `eigenvalue ${t}`).toBeLessThan(1e-12 * size));
  });

  it('keeps a diagonal matrix (nothing to reflect) and a rank-one matrix exact', () => {
    const diagonal = new Float64Array(16);
    [3, -1, 2, 0.5].forEach((value, i) => (diagonal[i * 4 + i] = value));
    expect(Array.from(symmetricEigenvalues(diagonal, 4))).toEqual([3, 2, 0.5, -1]);
    const u = [1, 2, -2, 4];
    const rankOne = Float64Array.from({ length: 16 }, (_, e) => u[Math.floor(e / 4)]! * u[e % 4]!);
    const values = symmetricEigenvalues(rankOne, 4);
    expect(values[0]).toBeCloseTo(25, 12);
    for (const value of values.slice(1)) expect(Math.abs(value)).toBeLessThan(1e-13);
  });

  it('symmetrizes its input, and refuses a matrix of the wrong size', () => {
    const lopsided = Float64Array.from([2, 1, 3, 2]); // (A + A^T) / 2 = [[2, 2], [2, 2]]: eigenvalues 4 and 0
    const values = symmetricEigenvalues(lopsided, 2);
    expect(values[0]).toBeCloseTo(4, 14);
    expect(Math.abs(values[1]!)).toBeLessThan(1e-14);
    expect(() => tridiagonalize(new Float64Array(5), 2)).toThrow(/expected a 2 x 2 matrix/);
  });

  it('preserves the trace and the Frobenius norm (T = Q^T A Q)', () => {
    const size = 25;
    const matrix = symmetric(size, 3);
    const { diagonal, offDiagonal } = tridiagonalize(matrix, size);
    const trace = Array.from({ length: size }, (_, i) => matrix[i * size + i]!).reduce((s, v) => s + v, 0);
    expect(diagonal.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 12);
    const frobenius = matrix.reduce((s, v) => s + v * v, 0);
    expect(diagonal.reduce((s, v) => s + v * v, 0) + 2 * offDiagonal.reduce((s, v) => s + v * v, 0)).toBeCloseTo(frobenius, 10);
  });
});
