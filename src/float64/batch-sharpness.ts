/**
 * Batch sharpness (Andreyev and Beneventano, "Edge of stochastic stability", arXiv 2412.20553; docs/science.md
 * section 9), in float64, and the parts both backends share: which mini-batches an evaluation draws, and how the
 * per-batch values average.
 *
 *   BS(theta) = E_B[ g_B^T H_B g_B / |g_B|^2 ],
 *
 * g_B and H_B the gradient and Hessian of the mini-batch loss L_B = (1/B) sum_{i in B} l(f_i, y_i), restricted to
 * the trainable parameters (frozen coordinates of g_B are dropped, as the update drops them): the curvature of the
 * mini-batch loss along the step SGD takes on it. B is drawn as the run's SGD draws it (its size, with or without
 * replacement), from a stream of its own so that measuring never moves training: batch k of the evaluation at step t
 * is draw t K + k of HESSIAN_RANDOM_STREAMS.batchSharpness, K the batches per evaluation. The expectation is their
 * mean. When the batch is the whole train set (B = n without replacement, i.e. GD) every draw is the same set, so
 * one batch stands for all K and BS is the full loss's curvature along its gradient.
 *
 * Units: the update moves theta by lr * factor * g_B (factor = m for mean-field particle time, else 1), and the
 * linearised step along g_B multiplies its component by 1 - lr * factor * (g_B^T H_B g_B / |g_B|^2), so
 * factor * BS is the number to hold against 2/lr, like sharpnessParticleTime (docs/science.md section 0).
 * The GPU evaluates the same batches (src/models/two-layer/gpu-batch-sharpness.ts).
 */
import { particleTimeFactor } from '../core/conventions';
import { sampleBatchIndices } from '../core/random';
import { HESSIAN_RANDOM_STREAMS, flattenParamVector, hvp, trainableMask, unflattenParamVector } from './hessian';
import { gatherRows } from './particles';
import { gradients, type TwoLayerOptions, type TwoLayerParams } from './two-layer';

/** How an evaluation draws its mini-batches: as the run's SGD does, K of them. */
export interface BatchDraw {
  readonly seed: number;
  /** n: the train set the batches come from. */
  readonly sampleCount: number;
  /** B, the run's batch size (n for full-batch GD). */
  readonly batchSize: number;
  /** Sampling with replacement, as the run's optimizer.withReplacement. */
  readonly replace: boolean;
  /** K: batches per evaluation. */
  readonly batchCount: number;
}

/** The batch is the whole train set (B = n drawn without replacement): every draw is the same set, in order. */
export function isWholeSet(draw: BatchDraw): boolean {
  return draw.batchSize === draw.sampleCount && !draw.replace;
}

/** Batches an evaluation computes: K, or 1 when the batch is the whole set. */
export function evaluatedBatchCount(draw: BatchDraw): number {
  return isWholeSet(draw) ? 1 : draw.batchCount;
}

/** The sample indices of batch k of the evaluation at step `step`: draw step K + k of the batch-sharpness stream. */
export function batchSharpnessIndices(draw: BatchDraw, step: number, k: number): Uint32Array {
  if (isWholeSet(draw)) return Uint32Array.from({ length: draw.sampleCount }, (_, i) => i);
  if (!Number.isInteger(k) || k < 0 || k >= draw.batchCount) throw new RangeError(`batchSharpnessIndices: batch ${k} is outside [0, ${draw.batchCount})`);
  const counter = step * draw.batchCount + k;
  return sampleBatchIndices(draw.seed, HESSIAN_RANDOM_STREAMS.batchSharpness, counter, draw.sampleCount, draw.batchSize, draw.replace);
}

/** g^T H g and |g|^2 of one mini-batch loss, g its gradient on the trainable parameters, H its Hessian (parameter units). */
export interface DirectionalCurvature {
  readonly curvature: number;
  readonly normSquared: number;
}

/** The batch sharpness of K batches, in the update rule's units, with the spread of the per-batch ratios. */
export interface BatchSharpnessEstimate {
  /** factor * mean_k (g_k^T H_k g_k / |g_k|^2) over the batches whose gradient is not zero; NaN when none is. */
  readonly batchSharpness: number;
  /** factor * sample standard deviation of the ratios / sqrt(count) (0 for one batch): how far the mean can be off. */
  readonly standardError: number;
  /** The ratios g_k^T H_k g_k / |g_k|^2 in parameter units, NaN where g_k = 0 (no direction to measure along). */
  readonly ratios: Float64Array;
  /** m for mean-field, else 1. */
  readonly factor: number;
}

/** Mean and standard error of the per-batch ratios, scaled by `factor` (shared by the GPU path). */
export function batchSharpnessSummary(curvatures: readonly DirectionalCurvature[], factor: number): BatchSharpnessEstimate {
  const ratios = Float64Array.from(curvatures, ({ curvature, normSquared }) => (normSquared > 0 ? curvature / normSquared : NaN));
  const defined = ratios.filter(Number.isFinite);
  const count = defined.length;
  if (count === 0) return { batchSharpness: NaN, standardError: NaN, ratios, factor };
  const mean = defined.reduce((sum, r) => sum + r, 0) / count;
  const squares = defined.reduce((sum, r) => sum + (r - mean) ** 2, 0);
  const standardError = count > 1 ? Math.sqrt(squares / (count - 1) / count) : 0;
  return { batchSharpness: factor * mean, standardError: factor * standardError, ratios, factor };
}

/** g^T H g and |g|^2 for the loss on the n samples of (X, y) (options.outputOffset: their f0, when centered). */
export function directionalCurvature(params: TwoLayerParams, X: ArrayLike<number>, y: ArrayLike<number>, n: number, options: TwoLayerOptions): DirectionalCurvature {
  const { width: m, inputDim: d } = params;
  const hasBias = params.b !== undefined;
  const gradient = gradients(params, X, y, n, options);
  const g = flattenParamVector(gradient.gradB ? { a: gradient.gradA, W: gradient.gradW, b: gradient.gradB } : { a: gradient.gradA, W: gradient.gradW });
  const mask = trainableMask(m, d, hasBias, options.trainable);
  for (let e = 0; e < g.length; e++) if (!mask[e]) g[e] = 0;
  const Hg = flattenParamVector(hvp(params, X, y, n, options, unflattenParamVector(g, m, d, hasBias)));
  let curvature = 0;
  let normSquared = 0;
  for (let e = 0; e < g.length; e++) {
    curvature += g[e]! * Hg[e]!;
    normSquared += g[e]! * g[e]!;
  }
  return { curvature, normSquared };
}

/**
 * The batch sharpness at `params` for the evaluation at step `step`: the batches of batchSharpnessIndices, each
 * gathered from the train set (X, y) (and options.outputOffset, f0 of the whole set when centered) and measured by
 * directionalCurvature.
 */
export function estimateBatchSharpness(
  params: TwoLayerParams,
  X: ArrayLike<number>,
  y: ArrayLike<number>,
  options: TwoLayerOptions,
  draw: BatchDraw,
  step: number,
): BatchSharpnessEstimate {
  const d = params.inputDim;
  const curvatures: DirectionalCurvature[] = [];
  for (let k = 0; k < evaluatedBatchCount(draw); k++) {
    const indices = batchSharpnessIndices(draw, step, k);
    const { batchInputs, batchTargets } = gatherRows(X, y, indices, d);
    // f0 travels with its sample, as in the trainer's gather.
    const offset = options.outputOffset ? gatherRows(options.outputOffset, options.outputOffset, indices, 1).batchInputs : undefined;
    curvatures.push(directionalCurvature(params, batchInputs, batchTargets, draw.batchSize, offset ? { ...options, outputOffset: offset } : options));
  }
  return batchSharpnessSummary(curvatures, particleTimeFactor(options.scaling, params.width));
}
