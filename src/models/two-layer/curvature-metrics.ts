/**
 * Curvature and kernel metrics by name, for both backends (docs/science.md sections 2 and 4):
 * the sharpness lambda_max of the Hessian (Lanczos on exact HVPs) in the parameters' units and in
 * particle time, with its residual, convergence flag and iteration count; the exact Hessian trace;
 * the NTK Gram's extreme eigenvalues and relative change since initialisation, and the square-loss
 * SGD noise's alignment mu and non-uniformity s. The backend supplies the operators; the reductions
 * of K (n x n, read back) run on the CPU in float64.
 *
 * Units. L is the empirical risk and H = Hess L in the parameters theta. The update rule moves theta_j
 * by lr * factor * grad_j L, factor = m for mean-field (particle time) and 1 otherwise, so GD is
 * linearly stable while lr * factor * lambda_max(H) < 2:
 *   sharpness              lambda_max(H), parameter units (no factor)
 *   sharpnessParticleTime  factor * lambda_max(H): compare with 2 / lr directly (= sharpness unless mean-field)
 *   sharpnessResidual      |H y - lambda y| of the returned unit Ritz vector y, parameter units
 *   sharpnessConverged     1 when Lanczos met its stopping rule, 0 when it stopped at the iteration cap
 *   sharpnessIterations    Lanczos iterations used
 *   hessianTrace           Tr(H), parameter units, exact: for the two-layer ReLU net
 *                          Tr H = (1/n) sum_i l''(f_i, y_i) K_ii (src/reference/hessian-trace.ts), so no
 *                          estimator is needed; Hutchinson's (with its standard error) stays a library function
 *   hessianTraceParticleTime  factor * Tr(H), the trace in the update rule's units
 */
import { noiseAlignment, nonUniformity } from '../../metrics/sgd-noise';
import { ntkSpectrum, relativeKernelChange } from '../../metrics/ntk';
import type { LossKind } from '../../core/conventions';
import { LANCZOS_DEFAULTS } from '../../core/lanczos';
import { SHARPNESS_METRICS, TRACE_METRICS } from '../../metrics/registry';
import type { MetricValues } from '../../core/simulation';



const GRAM_METRICS: readonly string[] = ['ntkLambdaMin', 'ntkLambdaMax', 'kernelChange', 'sgdAlignment', 'nonUniformity'];

/** Lanczos settings shared by both backends, so they estimate the same thing (src/reference/lanczos.ts). */
export const CURVATURE_SETTINGS = LANCZOS_DEFAULTS;

export function needsInitialGram(names: readonly string[]): boolean {
  return names.includes('kernelChange');
}

/** What both backends' sharpness estimates report (SharpnessEstimate of src/reference/hessian.ts). */
export interface SharpnessResult {
  /** lambda_max of the Hessian, parameter units. */
  readonly sharpness: number;
  /** |H y - lambda y| for the returned unit Ritz vector y, parameter units. */
  readonly residual: number;
  readonly converged: boolean;
  readonly iterations: number;
}

export interface CurvatureSource {
  readonly sampleCount: number;
  readonly loss: LossKind;
  /** The update rule's unit factor (m for mean-field particle time, else 1). */
  readonly factor: number;
  /** lambda_max of the Hessian (parameter units) by Lanczos. */
  sharpness(): Promise<SharpnessResult>;
  /** Tr(Hessian), parameter units, exact (closed form). */
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
  if (names.some((name) => (SHARPNESS_METRICS as readonly string[]).includes(name))) Object.assign(values, sharpnessValues(names, await source.sharpness(), source.factor));
  if (names.some((name) => (TRACE_METRICS as readonly string[]).includes(name))) {
    const trace = await source.hessianTrace();
    if (names.includes('hessianTrace')) values.hessianTrace = trace;
    if (names.includes('hessianTraceParticleTime')) values.hessianTraceParticleTime = source.factor * trace;
  }
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

/** The requested sharpness values, always with the diagnostics (residual, converged 1/0, iterations). */
export function sharpnessValues(names: readonly string[], estimate: SharpnessResult, factor: number): MetricValues {
  const values: MetricValues = {};
  if (names.includes('sharpness')) values.sharpness = estimate.sharpness;
  if (names.includes('sharpnessParticleTime')) values.sharpnessParticleTime = factor * estimate.sharpness;
  values.sharpnessResidual = estimate.residual;
  values.sharpnessConverged = estimate.converged ? 1 : 0;
  values.sharpnessIterations = estimate.iterations;
  return values;
}
