/** Loss, predictions and gradient of the analyzed network on its training set (float64, docs/science.md section 0). */
import { gradients, lossAtOutput } from '../../../float64/two-layer';
import { flattenParamVector, trainableMask } from '../../../float64/hessian';
import type { NetworkParameters } from '../../../core/network';
import type { AnalyzedNetwork } from './network-state';

export interface FitAnalysis {
  /** L = (1/n) sum_i l(f_i, y_i). */
  readonly loss: number;
  /** f_i [n] (f_alpha = alpha (f_theta - f_theta0) for a centered model). */
  readonly predictions: Float64Array;
  /** l(f_i, y_i) [n]. */
  readonly sampleLosses: Float64Array;
  /** grad L in every parameter, laid out like them (frozen ones included: their gradient exists, GD ignores it). */
  readonly gradient: NetworkParameters<Float64Array>;
  /** |grad L| over the trainable parameters: what GD moves along. */
  readonly trainableGradientNorm: number;
  /** |grad L| over every parameter. */
  readonly gradientNorm: number;
}

export function fitAnalysis(net: AnalyzedNetwork): FitAnalysis {
  const { params, X, y, sampleCount: n, options } = net;
  const { gradA, gradW, gradB, loss, output } = gradients(params, X, y, n, options);
  const gradient = gradB ? { a: gradA, W: gradW, b: gradB } : { a: gradA, W: gradW };
  const flat = flattenParamVector(gradient);
  const mask = trainableMask(params.width, params.inputDim, params.b !== undefined, options.trainable);
  let all = 0;
  let trainable = 0;
  flat.forEach((g, e) => {
    all += g * g;
    if (mask[e]) trainable += g * g;
  });
  return {
    loss,
    predictions: output,
    sampleLosses: lossAtOutput(output, y, options.loss).loss,
    gradient,
    trainableGradientNorm: Math.sqrt(trainable),
    gradientNorm: Math.sqrt(all),
  };
}
