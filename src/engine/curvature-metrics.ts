/**
 * Curvature and kernel metrics by name, for both backends (SCIENCE.md sections 2 and 4):
 * sharpness (power iteration on exact HVPs, in the update rule's units), Hutchinson's Hessian trace,
 * the NTK Gram's extreme eigenvalues and relative change since initialisation, and the square-loss
 * SGD noise's alignment mu and non-uniformity s. The backend supplies the operators; the reductions
 * of K (n x n, read back) run on the CPU in float64.
 */
import { noiseAlignment, nonUniformity } from '../metrics/sgd-noise';
import { ntkSpectrum, relativeKernelChange } from '../metrics/ntk';
import type { LossKind } from '../model/conventions';
import type { MetricValues } from './simulation';

export const CURVATURE_METRICS = ['sharpness', 'hessianTrace', 'ntkLambdaMin', 'ntkLambdaMax', 'kernelChange', 'sgdAlignment', 'nonUniformity'] as const;

const GRAM_METRICS: readonly string[] = ['ntkLambdaMin', 'ntkLambdaMax', 'kernelChange', 'sgdAlignment', 'nonUniformity'];

/** Power-iteration and Hutchinson settings shared by both backends, so they estimate the same thing. */
export const CURVATURE_SETTINGS = { maxIterations: 200, tolerance: 1e-5, probeCount: 32 } as const;

export function needsInitialGram(names: readonly string[]): boolean {
  return names.includes('kernelChange');
}

export interface CurvatureSource {
  readonly sampleCount: number;
  readonly loss: LossKind;
  /** The update rule's unit factor (m for mean-field particle time, else 1). */
  readonly factor: number;
  /** lambda_max of factor * Hessian. */
  sharpness(): Promise<number>;
  /** Tr(factor * Hessian) by Hutchinson. */
  hessianTrace(): Promise<number>;
  /** The NTK Gram K [n x n] at the current weights. */
  gram(): Promise<ArrayLike<number>>;
  /** K at initialisation (kept when kernelChange is wanted). */
  readonly initialGram: ArrayLike<number> | undefined;
  /** e = f(X) - y on the train set. */
  residuals(): Promise<ArrayLike<number>>;
}

export async function curvatureMetricValues(names: readonly string[], source: CurvatureSource): Promise<MetricValues> {
  const values: MetricValues = {};
  if (names.includes('sharpness')) values.sharpness = await source.sharpness();
  if (names.includes('hessianTrace')) values.hessianTrace = await source.hessianTrace();
  if (!names.some((name) => GRAM_METRICS.includes(name))) return values;
  const n = source.sampleCount;
  const K = await source.gram();
  if (names.includes('ntkLambdaMin') || names.includes('ntkLambdaMax')) {
    const spectrum = ntkSpectrum(K, n);
    if (names.includes('ntkLambdaMin')) values.ntkLambdaMin = spectrum.lambdaMin;
    if (names.includes('ntkLambdaMax')) values.ntkLambdaMax = spectrum.lambdaMax;
  }
  if (names.includes('kernelChange')) values.kernelChange = source.initialGram ? relativeKernelChange(K, source.initialGram) : NaN;
  // mu and s are defined for the square loss (grad l_i = e_i grad f_i).
  const square = source.loss === 'square';
  if (names.includes('sgdAlignment')) values.sgdAlignment = square ? noiseAlignment(K, await source.residuals()).mu : NaN;
  if (names.includes('nonUniformity')) values.nonUniformity = square ? nonUniformity(K, n, source.factor).s : NaN;
  return values;
}
