/**
 * float64 twin of shaders/landscape-preconditioners.wgsl.ts: each LandscapeOptimizer's step
 * d = Gamma_t g, with full-matrix AdaGrad's G^{-1/2} g from ml-matrix's symmetric eigen-solve,
 * independent of the kernel's closed form / Jacobi iteration.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { LandscapeOptimizer } from '../core/landscape';
import { accumulateSquare, delta0AdagradStep } from './update-rules';

/** G^{-1/2} g for G = delta0^2 I + acc (k x k, row-major), eigenvalues floored at delta0^2. */
export function inverseSqrtTimes(acc: ArrayLike<number>, g: ArrayLike<number>, delta0Squared: number): Float64Array {
  const k = g.length;
  const matrix = new Matrix(k, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) matrix.set(i, j, acc[i * k + j]! + (i === j ? delta0Squared : 0));
  const eigen = new EigenvalueDecomposition(matrix, { assumeSymmetric: true });
  const vectors = eigen.eigenvectorMatrix;
  const out = new Float64Array(k);
  eigen.realEigenvalues.forEach((lambda, i) => {
    let projection = 0;
    for (let r = 0; r < k; r++) projection += vectors.get(r, i) * g[r]!;
    const w = projection / Math.sqrt(Math.max(lambda, delta0Squared));
    for (let r = 0; r < k; r++) out[r] = out[r]! + vectors.get(r, i) * w;
  });
  return out;
}

/** d = Gamma_t g, updating the accumulators first (sums over s <= t), by the shared rules of ./update-rules.ts. */
export function precondition(optimizer: LandscapeOptimizer, acc: Float64Array, g: ArrayLike<number>, alpha: number, delta0Squared: number): Float64Array {
  const k = g.length;
  const d = new Float64Array(k);
  switch (optimizer) {
    case 'gd':
      for (let c = 0; c < k; c++) d[c] = alpha * g[c]!;
      return d;
    case 'adagrad':
      for (let c = 0; c < k; c++) {
        acc[c] = accumulateSquare(acc[c]!, g[c]!);
        d[c] = delta0AdagradStep(alpha, g[c]!, delta0Squared, acc[c]!);
      }
      return d;
    case 'adanorm': {
      for (let c = 0; c < k; c++) acc[0] = accumulateSquare(acc[0]!, g[c]!);
      for (let c = 0; c < k; c++) d[c] = delta0AdagradStep(alpha, g[c]!, delta0Squared, acc[0]!);
      return d;
    }
    case 'adagrad-full': {
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) acc[i * k + j] = acc[i * k + j]! + g[i]! * g[j]!;
      const step = inverseSqrtTimes(acc, g, delta0Squared);
      for (let c = 0; c < k; c++) d[c] = alpha * step[c]!;
      return d;
    }
  }
}
