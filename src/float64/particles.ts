/** float64 twins of the particle kernels: minibatch gather and the per-neuron descent step. */
import { particleLearningRate, type Scaling, type TrainableParts } from '../core/conventions';
import type { NetworkParameters } from '../core/network';

/** Xb[k, :] = X[idx[k], :], yb[k] = y[idx[k]]; X is [n x d] row-major. */
export function gatherRows(
  inputs: ArrayLike<number>,
  targets: ArrayLike<number>,
  indices: ArrayLike<number>,
  inputDim: number,
): { batchInputs: Float64Array; batchTargets: Float64Array } {
  const batchInputs = new Float64Array(indices.length * inputDim);
  const batchTargets = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const row = indices[k]!;
    if (!Number.isInteger(row) || row < 0 || row >= targets.length) throw new RangeError(`gatherRows: index ${row} at ${k} is outside [0, ${targets.length})`);
    for (let c = 0; c < inputDim; c++) batchInputs[k * inputDim + c] = inputs[row * inputDim + c]!;
    batchTargets[k] = targets[row]!;
  }
  return { batchInputs, batchTargets };
}

export type NeuronParameters = NetworkParameters<ArrayLike<number>>;

export interface NeuronGradients {
  readonly gradA: ArrayLike<number>;
  readonly gradW: ArrayLike<number>;
  readonly gradB?: ArrayLike<number>;
}

/**
 * theta_j <- theta_j - eta * grad_{theta_j} L with eta = lr * m for mean-field (particle time) and
 * lr otherwise (docs/science.md section 0). A part that is not trained is returned unchanged.
 */
export function updateNeurons(
  parameters: NeuronParameters,
  gradients: NeuronGradients,
  shape: { width: number; inputDim: number },
  rule: { scaling: Scaling; learningRate: number; trainable: TrainableParts },
): { a: Float64Array; W: Float64Array; b?: Float64Array } {
  const eta = particleLearningRate(rule.scaling, rule.learningRate, shape.width);
  const trainsOutput = rule.trainable !== 'first';
  const trainsInput = rule.trainable !== 'second';
  const step = (values: ArrayLike<number>, grads: ArrayLike<number> | undefined, trained: boolean): Float64Array => {
    const out = Float64Array.from(values);
    if (trained && grads) for (let i = 0; i < out.length; i++) out[i] = out[i]! - eta * grads[i]!;
    return out;
  };
  const a = step(parameters.a, gradients.gradA, trainsOutput);
  const W = step(parameters.W, gradients.gradW, trainsInput);
  if (parameters.b === undefined) return { a, W };
  return { a, W, b: step(parameters.b, gradients.gradB, trainsInput) };
}

/** w_j <- w_j / |w_j| for every row of W [m x d] (zero rows stay zero): the sphere retraction after a step. */
export function normalizeRows(W: ArrayLike<number>, inputDim: number): Float64Array {
  const out = Float64Array.from(W);
  for (let start = 0; start < out.length; start += inputDim) {
    let squares = 0;
    for (let c = 0; c < inputDim; c++) squares += out[start + c]! ** 2;
    if (squares > 0) {
      const norm = Math.sqrt(squares);
      for (let c = 0; c < inputDim; c++) out[start + c] = out[start + c]! / norm;
    }
  }
  return out;
}

/**
 * The tangential part of each row of G at the unit rows of W: g_j - (g_j . w_j) w_j. To first order the
 * retraction moves w_j by -lr times it, so it is the velocity that enters the energy identity on the sphere.
 */
export function tangentialRows(G: ArrayLike<number>, W: ArrayLike<number>, inputDim: number): Float64Array {
  const out = Float64Array.from(G);
  for (let start = 0; start < out.length; start += inputDim) {
    let radial = 0;
    for (let c = 0; c < inputDim; c++) radial += out[start + c]! * W[start + c]!;
    for (let c = 0; c < inputDim; c++) out[start + c] = out[start + c]! - radial * W[start + c]!;
  }
  return out;
}
