/**
 * Dense symmetric eigen-solves in float64 (eigenvalues: Householder + QL; eigenvectors: ml-matrix), shared by
 * the Hessian, NTK and SGD-noise metrics. Inputs are row-major size x size arrays; they are symmetrised as (A + A^T) / 2 first, so
 * round-off asymmetry of a matrix built column by column cannot produce complex eigenvalues.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { tridiagonalEigen } from './tridiagonal';
import { tridiagonalize } from './tridiagonalize';

/** (A + A^T) / 2 of a row-major size x size array, as an ml-matrix Matrix. */
function symmetricMatrix(values: ArrayLike<number>, size: number): Matrix {
  if (!Number.isInteger(size) || size < 1 || values.length !== size * size) {
    throw new RangeError(`spectrum: expected a ${size} x ${size} matrix (${size * size} values), got ${values.length}`);
  }
  const matrix = new Matrix(size, size);
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < size; k++) matrix.set(i, k, 0.5 * (values[i * size + k]! + values[k * size + i]!));
  }
  return matrix;
}

/**
 * Eigenvalues of the symmetric matrix, sorted in descending order: Householder tridiagonalization, then QL
 * on the tridiagonal (no eigenvectors): at n = 1000 a few seconds, where ml-matrix's decomposition takes half a minute.
 */
export function symmetricEigenvalues(values: ArrayLike<number>, size: number): Float64Array {
  if (!Number.isInteger(size) || size < 1 || values.length !== size * size) {
    throw new RangeError(`spectrum: expected a ${size} x ${size} matrix (${size * size} values), got ${values.length}`);
  }
  const { diagonal, offDiagonal } = tridiagonalize(values, size);
  return tridiagonalEigen(diagonal, offDiagonal, []).values;
}

export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  readonly values: Float64Array;
  /** Row-major size x size; column t is the unit eigenvector of values[t]. */
  readonly vectors: Float64Array;
}

/** Eigenvalues and orthonormal eigenvectors of the symmetric matrix, sorted by descending eigenvalue. */
export function symmetricEigen(values: ArrayLike<number>, size: number): SymmetricEigen {
  const decomposition = new EigenvalueDecomposition(symmetricMatrix(values, size), { assumeSymmetric: true });
  const lambdas = decomposition.realEigenvalues;
  const order = lambdas.map((_, t) => t).sort((s, t) => lambdas[t]! - lambdas[s]!);
  const matrix = decomposition.eigenvectorMatrix;
  const vectors = new Float64Array(size * size);
  order.forEach((source, t) => {
    for (let i = 0; i < size; i++) vectors[i * size + t] = matrix.get(i, source);
  });
  return { values: Float64Array.from(order, (t) => lambdas[t]!), vectors };
}

/**
 * The PSD square root S = U diag(sqrt(max(lambda, 0))) U^T of a symmetric positive semi-definite
 * matrix (negative round-off eigenvalues are clamped to zero), row-major size x size.
 */
export function psdSquareRoot(values: ArrayLike<number>, size: number): Float64Array {
  const { values: lambdas, vectors } = symmetricEigen(values, size);
  const roots = lambdas.map((lambda) => Math.sqrt(Math.max(lambda, 0)));
  const root = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < size; k++) {
      let sum = 0;
      for (let t = 0; t < size; t++) sum += vectors[i * size + t]! * roots[t]! * vectors[k * size + t]!;
      root[i * size + k] = sum;
    }
  }
  return root;
}
