/**
 * Two-cluster data of Wang and Ma 2023 (docs/science.md section 5, seed 000: the four-phase setting): unit
 * centres x+ = q_1 and x- = cos(Delta) q_1 + sin(Delta) q_2 at an ACUTE angle Delta, exactly
 * round(p n) samples of class +1 around x+ and the rest of class -1 around x-, each
 * x_i = (c_i + r z_i) / |c_i + r z_i| with z_i uniform on the unit sphere (stream `data`), so every sample
 * lies on the unit sphere within angle asin(r) of its centre. With r < sin(Delta / 2) the classes are
 * linearly separable (through 0), yet every living positive neuron fires on x- at first, which is what
 * makes the accuracy sit at p (phase II) until the positive neurons are deactivated on x- (phase III).
 * Which samples are positive is a keyed permutation of the `dataLabels` stream.
 */
import { RANDOM_STREAMS } from '../core/conventions';
import { sampleBatchIndices } from '../core/random';
import { sampleInputs } from './sampling';
import { partStep, type DataPart, type Dataset } from '../core/dataset';
import { signDataset } from './labels';
import { orthonormalDirections } from './orthogonal-separable';
import type { TwoClusterDataSpec } from './spec';

/** The centres x+ and x- [2 x d] (float64) in the frame q_1, q_2 ('standard': e_1, e_2; 'random': stream `teacher`). */
export function twoClusterCentres(spec: Pick<TwoClusterDataSpec, 'seed' | 'inputDim' | 'angle' | 'basis'>): Float64Array {
  const d = spec.inputDim;
  const Q = orthonormalDirections(spec.seed, 2, d, spec.basis);
  const centres = new Float64Array(2 * d);
  for (let c = 0; c < d; c++) {
    centres[c] = Q[c]!;
    centres[d + c] = Math.cos(spec.angle) * Q[c]! + Math.sin(spec.angle) * Q[d + c]!;
  }
  return centres;
}

export function twoClusterDataset(spec: TwoClusterDataSpec, part: DataPart = 'train'): Dataset {
  const { seed, inputDim: d, noiseRadius: r } = spec;
  const n = part === 'train' ? spec.sampleCount : spec.testCount;
  const step = partStep(part);
  const centres = twoClusterCentres(spec);
  const positives = Math.round(spec.positiveFraction * n);
  // Sample i is positive iff its position in the keyed permutation is below round(p n): exact counts, random order.
  const permutation = sampleBatchIndices(seed, RANDOM_STREAMS.dataLabels, step, n, n, false);
  const noise = sampleInputs(seed, RANDOM_STREAMS.data, step, { count: n }, d, 'sphere');
  const X = new Float32Array(n * d);
  const clean = new Float32Array(n);
  const point = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const positive = permutation[i]! < positives;
    const centre = positive ? 0 : d;
    for (let c = 0; c < d; c++) point[c] = centres[centre + c]! + r * noise[i * d + c]!;
    const norm = Math.hypot(...point);
    for (let c = 0; c < d; c++) X[i * d + c] = point[c]! / norm;
    clean[i] = positive ? 1 : -1;
  }
  return signDataset(spec, step, {
    X,
    clean,
    description: `Two-cluster ${part} set: ${positives} of ${n} samples at x+ and the rest at x-, angle ${spec.angle} rad, noise radius ${r}, d = ${d}`,
  });
}
