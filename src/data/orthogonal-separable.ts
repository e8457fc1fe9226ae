/**
 * Orthogonally separable data (docs/science.md section 5, Wang and Ma): x_i . x_j >= 0 when y_i = y_j and
 * <= 0 otherwise. Construction: k orthonormal directions q_1..q_k, coefficients c_il = |z_il| >= 0 with
 * z_i ~ N(0, I_k) or uniform on S^{k-1} (then |x_i| = 1), and x_i = y_i sum_l c_il q_l. Then
 * x_i . x_j = y_i y_j (c_i . c_j) with c_i . c_j >= 0: class +1 fills the positive orthant cone of the
 * q_l, class -1 the opposite cone. Classes are balanced (counts differ by at most one).
 */
import { RANDOM_STREAMS } from '../core/conventions';
import { sampleInputs } from './sampling';
import { normalArray } from '../core/random';
import { partStep, type DataPart, type Dataset } from '../core/dataset';
import { balancedClasses, signDataset } from './labels';
import type { OrthogonalSeparableDataSpec } from './spec';

/**
 * k orthonormal rows [k x d]: e_1..e_k, or modified Gram-Schmidt on Gaussian rows of the `teacher`
 * stream (a random orthonormal frame; the rows are independent with probability 1).
 */
export function orthonormalDirections(seed: number, coneDim: number, inputDim: number, basis: 'random' | 'standard'): Float64Array {
  const d = inputDim;
  if (basis === 'standard') {
    const Q = new Float64Array(coneDim * d);
    for (let l = 0; l < coneDim; l++) Q[l * d + l] = 1;
    return Q;
  }
  const Q = normalArray(seed, RANDOM_STREAMS.teacher, 0, coneDim * d);
  for (let l = 0; l < coneDim; l++) {
    const row = Q.subarray(l * d, (l + 1) * d);
    for (let p = 0; p < l; p++) {
      const previous = Q.subarray(p * d, (p + 1) * d);
      let projection = 0;
      for (let c = 0; c < d; c++) projection += row[c]! * previous[c]!;
      for (let c = 0; c < d; c++) row[c]! -= projection * previous[c]!;
    }
    const norm = Math.hypot(...row);
    if (!(norm > 1e-12)) throw new RangeError(`orthonormalDirections: Gaussian row ${l} is dependent on the previous ones`);
    for (let c = 0; c < d; c++) row[c]! /= norm;
  }
  return Q;
}

export function orthogonalSeparableDataset(spec: OrthogonalSeparableDataSpec, part: DataPart = 'train'): Dataset {
  const { seed, inputDim: d } = spec;
  const k = spec.coneDim ?? d;
  const n = part === 'train' ? spec.sampleCount : spec.testCount;
  const step = partStep(part);
  const Q = orthonormalDirections(seed, k, d, spec.basis);
  const coefficients = sampleInputs(seed, RANDOM_STREAMS.data, step, { count: n }, k, spec.inputs);
  const clean = Float32Array.from(balancedClasses(seed, step, n, 2), (c) => (c === 0 ? 1 : -1));
  const X = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      let sum = 0;
      for (let l = 0; l < k; l++) sum += Math.abs(coefficients[i * k + l]!) * Q[l * d + c]!;
      X[i * d + c] = clean[i]! * sum + 0; // + 0 turns -0 (class -1, off the cone's span) into 0
    }
  }
  return signDataset(spec, step, { X, clean, description: `Orthogonally separable ${part} set: ${n} ${spec.inputs} samples in d = ${d}, classes in opposite orthant cones of ${k} ${spec.basis} directions` });
}
