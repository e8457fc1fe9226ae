/**
 * The gradient of a Hessian quadratic form of the two-layer ReLU network's empirical risk, in float64:
 *   grad_theta Q(theta),   Q(theta) = v^T Hess L(theta) v   (v held fixed),
 * a contraction of the third derivative of L with v twice. With v the unit top eigenvector u of Hess L,
 * this is grad S for the sharpness S = lambda_max (Hellmann-Feynman: dS = u^T dH u while lambda_max is
 * simple), the ingredient of the central flow (docs/science.md section 9, src/float64/central-flow.ts).
 *
 * Derivation, in the notation of src/float64/hessian.ts (f_i = c sum_j a_j relu(z_ij), J_i = grad f_i,
 * H_ij = relu(z_ij), M_ij = 1[z_ij > 0], s_ij = vW_j . x_i + vb_j):
 *   Q = (1/n) sum_i [ l''(f_i) g_i^2 + l'(f_i) k_i ],   g_i = J_i . v,   k_i = v^T (Hess f_i) v,
 *   g_i = c sum_j [va_j H_ij + a_j M_ij s_ij],            k_i = 2 c sum_j va_j M_ij s_ij.
 * The masks are piecewise constant, so away from the kinks grad g_i = (Hess f_i) v and grad k_i = 0 (f has no
 * third derivative: relu'' = 0 almost everywhere), and
 *   grad Q = sum_i [ alpha_i J_i + beta_i (Hess f_i) v ],
 *   alpha_i = (l'''(f_i) g_i^2 + l''(f_i) k_i) / n,   beta_i = 2 l''(f_i) g_i / n,
 * with (Hess f_i) v having blocks  a_j: c M_ij s_ij,  w_j: c M_ij va_j x_i,  b_j: c M_ij va_j.
 * The square loss has l''' = 0, so there its only sources are the l'' terms, i.e. the a-w (a-b) cross terms
 * of Hess f_i. Frozen parts (trainable) are zero in v and in the result: the restricted Hessian is P H P.
 */
import { combinedOutputScale, type LossKind } from '../core/conventions';
import { lossCurvature, type ParamVector } from './hessian';
import { sigmoid } from './losses';
import { forward, type TwoLayerOptions, type TwoLayerParams } from './two-layer';

/** d3l/df3: square 0, logistic y^3 s (1 - s) (1 - 2 s) with s = sigmoid(y f), exponential -y^3 exp(-y f). */
export function lossThirdDerivative(kind: LossKind, f: number, y: number): number {
  switch (kind) {
    case 'square':
      return 0;
    case 'logistic': {
      const s = sigmoid(y * f);
      return y * y * y * s * (1 - s) * (1 - 2 * s);
    }
    case 'exponential':
      return -y * y * y * Math.exp(-y * f);
  }
}

/** grad_theta (v^T Hess L(theta) v) with v fixed, restricted to the trainable parts (see the derivation above). */
export function hessianFormGradient(
  params: TwoLayerParams,
  X: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  options: TwoLayerOptions,
  v: ParamVector,
): ParamVector {
  const { width: m, inputDim: d, a } = params;
  const trainable = options.trainable ?? 'both';
  const moveSecond = trainable !== 'first';
  const moveFirst = trainable !== 'second';
  const c = combinedOutputScale({ ...options, width: m });
  const { activation: H, output } = forward(params, X, n, options);
  const gradA = new Float64Array(m);
  const gradW = new Float64Array(m * d);
  const gradB = new Float64Array(m);
  const s = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    // s_ij, then g_i and k_i for this sample.
    let g = 0;
    let k = 0;
    for (let j = 0; j < m; j++) {
      let sij = 0;
      if (moveFirst) {
        sij = v.b ? v.b[j]! : 0;
        for (let q = 0; q < d; q++) sij += v.W[j * d + q]! * X[i * d + q]!;
      }
      s[j] = sij;
      const va = moveSecond ? v.a[j]! : 0;
      const h = H[i * m + j]!;
      g += va * h;
      if (h > 0) {
        g += a[j]! * sij;
        k += va * sij;
      }
    }
    g *= c;
    k *= 2 * c;
    const f = output[i]!;
    const curvature = lossCurvature(options.loss, f, y[i]!);
    const alpha = (lossThirdDerivative(options.loss, f, y[i]!) * g * g + curvature * k) / n;
    const beta = (2 * curvature * g) / n;
    for (let j = 0; j < m; j++) {
      const h = H[i * m + j]!;
      gradA[j] += c * alpha * h;
      if (h <= 0) continue;
      gradA[j] += c * beta * s[j]!;
      const va = moveSecond ? v.a[j]! : 0;
      // J_i and (Hess f_i) v share the factor c M_ij x_i on w_j (and c M_ij on b_j).
      const weight = c * (alpha * a[j]! + beta * va);
      for (let q = 0; q < d; q++) gradW[j * d + q] += weight * X[i * d + q]!;
      gradB[j] += weight;
    }
  }
  if (!moveSecond) gradA.fill(0);
  if (!moveFirst) {
    gradW.fill(0);
    gradB.fill(0);
  }
  return params.b ? { a: gradA, W: gradW, b: gradB } : { a: gradA, W: gradW };
}
