/**
 * Curvature and kernel metrics, for both backends (docs/science.md sections 2 and 4):
 * the sharpness lambda_max of the Hessian (Lanczos on exact HVPs) in the parameters' units and in
 * particle time, with its residual, convergence flag and iteration count; the exact Hessian trace;
 * the NTK Gram's extreme eigenvalues and relative change since initialisation, and the square-loss
 * SGD noise's alignment mu and non-uniformity s. The backend supplies the operators (metric-source.ts);
 * the reductions of K (n x n, read back) run on the CPU in float64 (metric-evaluators.ts).
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
 *                          Tr H = (1/n) sum_i l''(f_i, y_i) K_ii (src/float64/hessian-trace.ts), so no
 *                          estimator is needed; Hutchinson's (with its standard error) stays a library function
 *   hessianTraceParticleTime  factor * Tr(H), the trace in the update rule's units
 *   batchSharpness         factor * E_B[g_B^T H_B g_B / |g_B|^2] over mini-batches drawn as the run's SGD draws
 *                          them (src/float64/batch-sharpness.ts): compare with 2 / lr directly
 *   batchSharpnessStandardError  factor * the standard error of that mean over the batches
 */
import { LANCZOS_DEFAULTS } from '../../core/lanczos';
import { DEFAULT_BATCH_SHARPNESS_BATCHES } from '../../core/batch-sharpness';
import type { BatchDraw } from '../../float64/batch-sharpness';
import type { Problem } from './problem';

/** Lanczos settings shared by both backends, so they estimate the same thing (src/core/lanczos.ts). */
export const CURVATURE_SETTINGS = LANCZOS_DEFAULTS;

/** How the batch sharpness draws its batches in this run: the run's batch size and sampling, the configured count. */
export function batchDrawOf(problem: Problem): BatchDraw {
  const { seed, sampleCount, batchSize, withReplacement } = problem.trainer;
  return {
    seed,
    sampleCount,
    batchSize: batchSize ?? sampleCount,
    replace: withReplacement ?? false,
    batchCount: problem.batchSharpnessBatches ?? DEFAULT_BATCH_SHARPNESS_BATCHES,
  };
}

/** What both backends' sharpness estimates report (SharpnessEstimate of src/float64/hessian.ts). */
export interface SharpnessResult {
  /** lambda_max of the Hessian, parameter units. */
  readonly sharpness: number;
  /** |H y - lambda y| for the returned unit Ritz vector y, parameter units. */
  readonly residual: number;
  readonly converged: boolean;
  readonly iterations: number;
}
