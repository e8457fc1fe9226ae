/**
 * float64 twin of the `hessian-trace` kernel family: the exact trace of the empirical risk's Hessian
 * of the two-layer ReLU network, in closed form (one pass over the n x m pre-activations), written
 * from the formula below and independently of the WGSL.
 *
 * Derivation. f_i = c sum_j a_j relu(z_ij), z_ij = w_j . x_i + b_j, c = alpha s_m; a centered model
 * subtracts a per-sample constant f0_i, which moves where l is evaluated and nothing else. With
 * L = (1/n) sum_i l(f_i, y_i),
 *   Hess L = (1/n) sum_i [ l''(f_i, y_i) grad f_i grad f_i^T + l'(f_i, y_i) Hess f_i ].
 * Tr Hess f_i = 0: relu'' = 0 almost everywhere, so the only nonzero second derivatives of f_i couple
 * a_j with (w_j, b_j) of the same neuron (c M_ij x_i and c M_ij), which sit off the diagonal. Hence
 *   Tr H = (1/n) sum_i l''(f_i, y_i) |grad f_i|^2 = (1/n) sum_i l''_i K_ii,
 * K the empirical NTK Gram over the trainable coordinates (the Hessian restricted to them keeps their
 * diagonal entries). With the gradient blocks d/da_j = c H_ij, d/dw_j = c a_j M_ij x_i,
 * d/db_j = c a_j M_ij (H = relu(Z), M = 1[Z > 0]):
 *   K_ii = c^2 sum_j [ H_ij^2 [a trainable] + a_j^2 M_ij (|x_i|^2 + [bias]) [first layer trainable] ].
 * l'' >= 0 for the three losses (square 1, logistic y^2 sigmoid(yf) sigmoid(-yf), exponential
 * y^2 exp(-yf)), so the trace is a sum of nonnegative terms. The number is in parameter units (the
 * operator's, no update-rule factor): multiply by updateUnitFactor (m for mean-field) for the units
 * of the sharpness.
 */
import { combinedOutputScale } from '../core/conventions';
import { lossCurvature } from './hessian';
import type { TwoLayerOptions, TwoLayerParams } from './two-layer';

/** Tr Hess L over the trainable coordinates, exactly: (1/n) sum_i l''(f_i, y_i) K_ii (parameter units). */
export function exactHessianTrace(
  params: TwoLayerParams,
  X: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  options: TwoLayerOptions,
): number {
  const { width: m, inputDim: d, a, W, b } = params;
  const offset = options.outputOffset;
  if (offset && offset.length !== n) throw new RangeError(`hessian-trace: outputOffset has ${offset.length} entries for ${n} samples`);
  const trainable = options.trainable ?? 'both';
  const secondLayer = trainable !== 'first';
  const firstLayer = trainable !== 'second';
  const c = combinedOutputScale({ ...options, width: m });
  let trace = 0;
  for (let i = 0; i < n; i++) {
    let inputNormSquared = b ? 1 : 0;
    for (let k = 0; k < d; k++) inputNormSquared += X[i * d + k]! ** 2;
    let output = 0;
    let gradNormSquared = 0;
    for (let j = 0; j < m; j++) {
      let z = b ? b[j]! : 0;
      for (let k = 0; k < d; k++) z += W[j * d + k]! * X[i * d + k]!;
      if (!(z > 0)) continue;
      output += a[j]! * z;
      if (secondLayer) gradNormSquared += z * z;
      if (firstLayer) gradNormSquared += a[j]! ** 2 * inputNormSquared;
    }
    const f = c * output - (offset ? offset[i]! : 0);
    trace += lossCurvature(options.loss, f, y[i]!) * c * c * gradNormSquared;
  }
  return trace / n;
}
