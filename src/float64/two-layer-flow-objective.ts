/**
 * The two-layer ReLU network's empirical risk as a FlowObjective (src/float64/central-flow.ts): L, grad L, the
 * Hessian-vector product (src/float64/hessian.ts) and the gradient of u^T H u (src/float64/sharpness-gradient.ts),
 * on flat [a | W | b] vectors, each restricted to the trainable parts. One GD step moves theta by
 * -lr c grad L with c = m for mean-field particle time and 1 otherwise (stepScales), so the flows of this
 * objective run at eta = flowStepSize(...).
 */
import { particleTimeFactor } from '../core/conventions';
import type { LinearOperator } from '../core/lanczos';
import type { FlowObjective } from './central-flow';
import { flattenParamVector, hessianOperator, sharpnessStartVector, trainableMask, unflattenParamVector } from './hessian';
import { hessianFormGradient } from './sharpness-gradient';
import { gradients, type TwoLayerOptions, type TwoLayerParams } from './two-layer';

/** The network's shape: what turns a flat vector back into (a, W, b). */
export interface TwoLayerShape {
  readonly width: number;
  readonly inputDim: number;
  readonly hasBias: boolean;
}

/** eta = lr c: the step GD takes per unit gradient on every trainable part (docs/science.md section 0). */
export function flowStepSize(learningRate: number, options: Pick<TwoLayerOptions, 'scaling'>, width: number): number {
  return learningRate * particleTimeFactor(options.scaling, width);
}

/** L of the network on (X, y) as a FlowObjective; `seed` picks the first Lanczos start (the sharpness metric's). */
export function twoLayerFlowObjective(shape: TwoLayerShape, X: ArrayLike<number>, y: ArrayLike<number>, n: number, options: TwoLayerOptions, seed: number): FlowObjective {
  const { width: m, inputDim: d, hasBias } = shape;
  // One element type for every pass (the data may arrive as float32): the loops stay monomorphic.
  const inputs = Float64Array.from(X);
  const targets = Float64Array.from(y);
  const mask = trainableMask(m, d, hasBias, options.trainable);
  const paramsOf = (theta: Float64Array): TwoLayerParams => ({ width: m, inputDim: d, ...unflattenParamVector(theta, m, d, hasBias) });
  return {
    mask,
    startVector: sharpnessStartVector(seed, mask),
    lossAndGradient(theta) {
      const g = gradients(paramsOf(theta), inputs, targets, n, options);
      const gradient = flattenParamVector({ a: g.gradA, W: g.gradW, ...(g.gradB ? { b: g.gradB } : {}) });
      for (let e = 0; e < gradient.length; e++) if (!mask[e]) gradient[e] = 0;
      return { loss: g.loss, gradient };
    },
    hessian(theta): LinearOperator {
      return hessianOperator(paramsOf(theta), inputs, targets, n, options);
    },
    hessianFormGradient(theta, v) {
      return flattenParamVector(hessianFormGradient(paramsOf(theta), inputs, targets, n, options, unflattenParamVector(v, m, d, hasBias)));
    },
  };
}
