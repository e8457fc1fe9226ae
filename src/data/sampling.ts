/**
 * float64 twins of the data kernels (shaders/data.wgsl.ts), written by hand and independently of
 * the WGSL. The layouts are the GPU's:
 *   x_i = z_i (gaussian) or z_i / |z_i| (sphere), z_ic = normal element i*d + c of (seed, stream) at `step`;
 *   teacher f*(x) = (1/M) sum_k a*_k relu(w*_k . x)  (docs/science.md section 3);
 *   circle neuron f*(x) = E_{b uniform on b1^2 + b2^2 = 1} relu(b1 x1 + b2 x2) = sqrt(x1^2 + x2^2) / pi.
 * The synthetic data sets of src/data draw their inputs from these functions, so the offline sets and
 * the online stream share one definition.
 */
import { RANDOM_STREAMS } from '../core/conventions';
import type { InputDistribution, OnlineSpec, TargetFunction } from '../core/dataset';
import { normalArray, normalFromBits, threefry2x32 } from '../core/random';

/** Normal elements start .. start + count - 1 of (seed, stream) at `step` (normalArray from an offset). */
export function normalRange(seed: number, stream: number, step: number, start: number, count: number): Float64Array {
  if (!Number.isInteger(start) || start < 0 || start + count > 2 ** 32) {
    throw new RangeError(`normalRange: elements [${start}, ${start + count}) leave the u32 counter range`);
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = normalFromBits(...threefry2x32(seed, stream, start + i, step));
  return out;
}

/**
 * Rows scaled to unit Euclidean norm in place: a standard Gaussian vector divided by its norm is uniform
 * on the sphere S^{d-1}. A zero row (probability 2^-24 per coordinate) becomes e_1, as on the GPU.
 */
export function projectRowsToSphere(X: Float64Array, rowCount: number, dim: number): Float64Array {
  for (let i = 0; i < rowCount; i++) {
    let squared = 0;
    for (let c = 0; c < dim; c++) squared += X[i * dim + c]! ** 2;
    if (squared === 0) {
      X[i * dim] = 1;
      continue;
    }
    const inverse = 1 / Math.sqrt(squared);
    for (let c = 0; c < dim; c++) X[i * dim + c]! *= inverse;
  }
  return X;
}

/** Rows start .. start + count - 1 of the input stream: x ~ N(0, I_d) or uniform on S^{d-1}. */
export function sampleInputs(
  seed: number,
  stream: number,
  step: number,
  rows: { start?: number; count: number },
  dim: number,
  distribution: InputDistribution,
): Float64Array {
  const X = normalRange(seed, stream, step, (rows.start ?? 0) * dim, rows.count * dim);
  return distribution === 'sphere' ? projectRowsToSphere(X, rows.count, dim) : X;
}

/** f*(x_i) = (1/M) sum_k a_k relu(w_k . x_i) for the n rows of X [n x d]; a [M], W [M x d]. */
export function teacherOutputs(X: ArrayLike<number>, dim: number, a: ArrayLike<number>, W: ArrayLike<number>): Float64Array {
  const sampleCount = X.length / dim;
  const width = a.length;
  const out = new Float64Array(sampleCount);
  for (let i = 0; i < sampleCount; i++) {
    let sum = 0;
    for (let k = 0; k < width; k++) {
      let z = 0;
      for (let c = 0; c < dim; c++) z += W[k * dim + c]! * X[i * dim + c]!;
      sum += a[k]! * Math.max(z, 0);
    }
    out[i] = sum / width;
  }
  return out;
}

/**
 * The circle-neuron target in closed form: with b = (cos t, sin t, 0, ...) and x1 + i x2 = r e^{i phi},
 * relu(b . x) = r relu(cos(t - phi)) and (1/2pi) int relu(cos) = 1/pi, so f*(x) = r / pi.
 */
export function circleNeuronOutputs(X: ArrayLike<number>, dim: number): Float64Array {
  const sampleCount = X.length / dim;
  const out = new Float64Array(sampleCount);
  for (let i = 0; i < sampleCount; i++) out[i] = Math.hypot(X[i * dim]!, X[i * dim + 1]!) / Math.PI;
  return out;
}

/** The target function's values on the rows of X [n x d]. */
export function targetOutputs(target: TargetFunction, X: ArrayLike<number>, dim: number): Float64Array {
  return target.kind === 'circle' ? circleNeuronOutputs(X, dim) : teacherOutputs(X, dim, target.teacher.a, target.teacher.W);
}

/**
 * The online batch of step `step`, the twin of the sample_online kernel: B fresh inputs from the
 * `online` stream at counter word 1 = step, labels y_i = f*(x_i) + labelNoiseStd * eps_i with eps_i
 * element i of the `onlineLabelNoise` normal stream at the same step.
 */
export function sampleOnline(spec: OnlineSpec, step: number): { X: Float64Array; y: Float64Array } {
  const { seed, batchSize, inputDim } = spec;
  const X = sampleInputs(seed, RANDOM_STREAMS.online, step, { count: batchSize }, inputDim, spec.inputs);
  const y = targetOutputs(spec.target, X, inputDim);
  if (spec.labelNoiseStd > 0) {
    const noise = normalArray(seed, RANDOM_STREAMS.onlineLabelNoise, step, batchSize);
    for (let i = 0; i < batchSize; i++) y[i]! += spec.labelNoiseStd * noise[i]!;
  }
  return { X, y };
}
