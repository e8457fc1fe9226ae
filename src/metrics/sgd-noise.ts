/**
 * SGD noise and linear stability from the NTK Gram K [n x n] (docs/science.md section 4), in float64 on
 * the CPU (n up to a few thousand). J [n x p] is the Jacobian of the outputs (row i = g_i = grad f_i),
 * so K = J J^T; nothing here needs J itself.
 *
 * Alignment factor (square loss, residuals e = f - y, grad l_i = e_i g_i):
 *   Sigma = (1/n) sum_i e_i^2 g_i g_i^T - grad L grad L^T,  G = (1/n) J^T J,  L = |e|^2 / (2n),
 *   Tr(Sigma G) = (1/n^2) sum_{i,k} e_i^2 K_ik^2 - (1/n) sum_k ((1/n) sum_i e_i K_ik)^2,
 *   |G|_F^2 = (1/n^2) sum_{i,k} K_ik^2,   mu = Tr(Sigma G) / (2 L |G|_F^2).
 * mu is unchanged by a scalar update factor (theta -> theta / sqrt(factor) scales Sigma and G alike).
 *
 * Non-uniformity at an interpolating minimum, s^2 = lambda_max((1/n) sum_i H_i^2 - H^2), H_i = g_i g_i^T:
 *   H_i^2 = |g_i|^2 g_i g_i^T, so (1/n) sum_i H_i^2 = (1/n) J^T D J with D = diag(K_ii), and
 *   H^2 = (1/n^2) J^T (J J^T) J = (1/n^2) J^T K J. Hence Sigma* = J^T A J with A = D/n - K/n^2.
 *   J^T A J and J J^T A = K A share their nonzero eigenvalues, and so does the symmetric
 *   K^(1/2) A K^(1/2) (K is a Gram matrix, PSD). Sigma* is PSD (the variance of the H_i), so
 *   s^2 = max(lambda_max(K^(1/2) A K^(1/2)), 0).
 *
 * Linear stability of SGD there (batch B, step eta in the update rule's units):
 *   lambda_max{(I - eta H)^2 + eta^2 (n - B) / (B (n - 1)) Sigma*} <= 1.
 *   With K = U Lambda U^T, the columns of V = J^T U Lambda^(-1/2) span the gradients orthonormally and
 *   V^T H V = Lambda / n, V^T Sigma* V = Lambda^(1/2) U^T A U Lambda^(1/2): an n x n problem. Outside the
 *   span of the gradients H = Sigma* = 0 and the operator is the identity (eigenvalue exactly 1, neutral).
 */
import { psdSquareRoot, symmetricEigen, symmetricEigenvalues } from '../core/spectrum';

/** Eigenvalues of K below this fraction of lambda_max count as zero (outside the span of the gradients). */
const RANK_TOLERANCE = 1e-12;

function checkGram(name: string, K: ArrayLike<number>, sampleCount: number): void {
  if (!Number.isInteger(sampleCount) || sampleCount < 1 || K.length !== sampleCount * sampleCount) {
    throw new RangeError(`${name}: K has ${K.length} entries, expected ${sampleCount} x ${sampleCount}`);
  }
  for (let e = 0; e < K.length; e++) {
    if (!Number.isFinite(K[e]!)) throw new RangeError(`${name}: K contains ${K[e]} at index ${e}; it must be finite`);
  }
}

export interface NoiseAlignment {
  /** Tr(Sigma G). */
  readonly traceSigmaG: number;
  /** |G|_F^2, G = (1/n) J^T J. */
  readonly gramFrobeniusSquared: number;
  /** L = |e|^2 / (2n). */
  readonly loss: number;
  /** mu = Tr(Sigma G) / (2 L |G|_F^2); NaN where L = 0 or G = 0 (undefined there). */
  readonly mu: number;
}

/** The alignment factor mu of the square-loss SGD noise with the Gram, from K [n x n] and residuals e = f - y [n]. */
export function noiseAlignment(K: ArrayLike<number>, residuals: ArrayLike<number>): NoiseAlignment {
  const n = residuals.length;
  checkGram('noiseAlignment', K, n);
  let weighted = 0;
  let frobenius = 0;
  let loss = 0;
  let meanGradientTerm = 0;
  for (let i = 0; i < n; i++) loss += residuals[i]! ** 2;
  loss /= 2 * n;
  for (let k = 0; k < n; k++) {
    // (1/n) sum_i e_i K_ik = g_k . grad L
    let projection = 0;
    for (let i = 0; i < n; i++) {
      const kik = K[i * n + k]!;
      weighted += residuals[i]! ** 2 * kik * kik;
      frobenius += kik * kik;
      projection += residuals[i]! * kik;
    }
    meanGradientTerm += (projection / n) ** 2;
  }
  const traceSigmaG = weighted / (n * n) - meanGradientTerm / n;
  const gramFrobeniusSquared = frobenius / (n * n);
  const denominator = 2 * loss * gramFrobeniusSquared;
  return { traceSigmaG, gramFrobeniusSquared, loss, mu: denominator > 0 ? traceSigmaG / denominator : NaN };
}

/** A = diag(K_ii) / n - K / n^2, so that Sigma* = J^T A J. */
function noiseCoefficients(K: ArrayLike<number>, n: number): Float64Array {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) A[i * n + k] = -K[i * n + k]! / (n * n);
    A[i * n + i] += K[i * n + i]! / n;
  }
  return A;
}

/** X Y for row-major n x n matrices. */
function multiply(X: ArrayLike<number>, Y: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < n; t++) {
      const x = X[i * n + t]!;
      if (x === 0) continue;
      for (let k = 0; k < n; k++) out[i * n + k] += x * Y[t * n + k]!;
    }
  }
  return out;
}

export interface NonUniformity {
  /** s^2 = lambda_max((1/n) sum_i H_i^2 - H^2) in Hessian units. */
  readonly s2: number;
  /** s in the update rule's units: factor * sqrt(s^2) (factor = m for mean-field), to compare with sqrt(B) / lr. */
  readonly s: number;
}

/** Non-uniformity at an interpolating minimum, from the Gram K [n x n]; `factor` the update-unit factor (default 1). */
export function nonUniformity(K: ArrayLike<number>, sampleCount: number, factor = 1): NonUniformity {
  const n = sampleCount;
  checkGram('nonUniformity', K, n);
  const root = psdSquareRoot(K, n);
  const inner = multiply(multiply(root, noiseCoefficients(K, n), n), root, n);
  const s2 = Math.max(symmetricEigenvalues(inner, n)[0]!, 0);
  return { s2, s: factor * Math.sqrt(s2) };
}

export interface StabilitySettings {
  /** lr in the update rule's own units. */
  readonly learningRate: number;
  /** Minibatch size B, 1 <= B <= n (B = n: GD, no noise term). */
  readonly batchSize: number;
  /** Update-unit factor (m for mean-field, else 1); default 1. */
  readonly factor?: number;
}

export interface LinearStability {
  /** Sharpness at the interpolating minimum, lambda_max(H) = lambda_max(K) / n, times the factor. */
  readonly sharpness: number;
  /** Non-uniformity s in the update rule's units. */
  readonly nonUniformity: number;
  /**
   * lambda_max{(I - eta H)^2 + eta^2 (n - B)/(B (n - 1)) Sigma*} on the span of the gradients (1 if K = 0);
   * stable in mean square iff <= 1. Directions orthogonal to every gradient have eigenvalue exactly 1.
   */
  readonly stabilityEigenvalue: number;
}

/**
 * The (sharpness, non-uniformity) point and the mean-square stability eigenvalue of SGD at an
 * interpolating minimum of the square loss, whose Hessian is H = G = J^T J / n.
 */
export function linearStability(K: ArrayLike<number>, sampleCount: number, settings: StabilitySettings): LinearStability {
  const n = sampleCount;
  checkGram('linearStability', K, n);
  const { learningRate, batchSize } = settings;
  const factor = settings.factor ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > n) throw new RangeError(`linearStability: batchSize must be an integer in [1, ${n}], got ${batchSize}`);
  if (!Number.isFinite(learningRate) || !Number.isFinite(factor)) throw new RangeError('linearStability: learningRate and factor must be finite');
  const eta = learningRate * factor;
  const noise = n > 1 ? (eta * eta * (n - batchSize)) / (batchSize * (n - 1)) : 0;
  const { values, vectors: U } = symmetricEigen(K, n);
  // Directions of R^n outside the range of K (n > rank J) are not parameter directions: keep the numerical range.
  const kept: number[] = [];
  values.forEach((lambda, s) => lambda > RANK_TOLERANCE * Math.max(values[0]!, 0) && kept.push(s));
  const r = kept.length;
  const A = noiseCoefficients(K, n);
  // V^T Sigma* V = Lambda^(1/2) U^T A U Lambda^(1/2) and V^T H V = Lambda / n, on the kept eigenvectors.
  const AU = multiply(A, U, n);
  const matrix = new Float64Array(r * r);
  kept.forEach((s, row) => {
    kept.forEach((t, col) => {
      let projected = 0;
      for (let i = 0; i < n; i++) projected += U[i * n + s]! * AU[i * n + t]!;
      matrix[row * r + col] = noise * Math.sqrt(values[s]! * values[t]!) * projected;
    });
    matrix[row * r + row] += (1 - (eta * values[s]!) / n) ** 2;
  });
  const uniformity = nonUniformity(K, n, factor);
  return {
    sharpness: (factor * values[0]!) / n,
    nonUniformity: uniformity.s,
    stabilityEigenvalue: r > 0 ? symmetricEigenvalues(matrix, r)[0]! : 1,
  };
}
