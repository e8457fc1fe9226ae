/**
 * The network `gradflow analyze` looks at: saved parameters on the config's training set, in float64, with
 * the options every float64 quantity takes (a centered model's f0 from the config's initialization).
 */
import { centeringOffset, type TwoLayerOptions, type TwoLayerParams } from '../../../float64/two-layer';
import type { NetworkParameters } from '../../../core/network';
import type { Problem } from '../problem';

export interface AnalyzedNetwork {
  /** The config's problem: trainer settings (scaling, loss, trainable, seed), initialization and data. */
  readonly problem: Problem;
  /** The parameters analyzed (float64, as saved). */
  readonly params: TwoLayerParams;
  /** Training inputs X [n x d] and targets y [n], widened to float64. */
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly sampleCount: number;
  /** Scaling, loss, alpha, trainable parts and, for a centered model, f0 = f_theta0(X) of the initialization. */
  readonly options: TwoLayerOptions;
}

/** The problem's training set at `params`. */
export function analyzedNetwork(problem: Problem, params: NetworkParameters<Float64Array>): AnalyzedNetwork {
  const { width, inputDim } = problem.trainer;
  const X = Float64Array.from(problem.train.X);
  const y = Float64Array.from(problem.train.y);
  const sampleCount = y.length;
  const at = (weights: NetworkParameters<ArrayLike<number>>): TwoLayerParams => ({
    width,
    inputDim,
    a: Float64Array.from(weights.a),
    W: Float64Array.from(weights.W),
    ...(weights.b ? { b: Float64Array.from(weights.b) } : {}),
  });
  const base: TwoLayerOptions = problem.trainer;
  const options = problem.trainer.centered ? { ...base, outputOffset: centeringOffset(at(problem.init), X, sampleCount, base) } : base;
  return { problem, params: at(params), X, y, sampleCount, options };
}
