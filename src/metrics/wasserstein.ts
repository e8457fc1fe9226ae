/**
 * Squared Wasserstein-2 distance between two particle clouds with uniform weights, points in R^k
 * stored row-major [count x k] (docs/science.md section 1), by three methods:
 *
 *   exact     W2^2 = (1/n) min_sigma sum_i |x_i - y_sigma(i)|^2: optimal assignment on the CPU in
 *             float64, O(n^3). Equal sizes only (then an optimal plan is a permutation), n <= 512.
 *   entropic  log-domain Sinkhorn on the GPU (src/kernels/sinkhorn-solver.ts): the transport cost <P, C>
 *             of the entropic plan, which lies in [W2^2, W2^2 + eps log n] for equal sizes (and
 *             exact marginals), optionally the debiased Sinkhorn divergence. Any sizes.
 *             O(n p k) per iteration, O((n + p) k) memory.
 *   sliced    sliced W2^2 on the GPU (src/kernels/sliced.ts): the mean over L random directions of
 *             the 1-D W2^2 of the projections (exact quantile matching for unequal sizes). A
 *             different metric (SW2 <= W2), cheap: O(L (n + p) k + L P log^2 P).
 */
import type { GpuContext } from '../gpu/device';
import { sinkhorn, type SinkhornGpuOptions } from '../kernels/sinkhorn-solver';
import { slicedW2Squared, type SlicedOptions } from '../kernels/sliced';
import * as sinkhornReference from '../float64/sinkhorn';
import { squaredDistances } from '../float64/sinkhorn';
import { solveAssignment } from './assignment';
import type { SinkhornOptions, SinkhornSummary } from '../core/sinkhorn-schedule';

export { slicedW2Squared, type SlicedOptions };

/** Largest cloud the exact solver accepts: 512^3 = 1.3e8 steps, about half a second. */
export const MAX_EXACT_POINTS = 512;

export type W2Method = 'exact' | 'entropic' | 'sliced';

function countOf(argument: string, points: ArrayLike<number>, dim: number): number {
  const count = points.length / dim;
  if (!Number.isInteger(dim) || dim < 1 || !Number.isInteger(count) || count < 1) {
    throw new RangeError(`wasserstein: '${argument}' has ${points.length} values, not a positive multiple of dim ${dim}`);
  }
  return count;
}

/** Exact W2^2 between x [n x k] and y [n x k] by optimal assignment (float64, O(n^3)). */
export function exactW2Squared(x: ArrayLike<number>, y: ArrayLike<number>, dim: number): number {
  const n = countOf('x', x, dim);
  const p = countOf('y', y, dim);
  if (n !== p) {
    throw new RangeError(`exact W2 needs clouds of equal size (got ${n} and ${p} points): use the 'entropic' or 'sliced' method for unequal sizes`);
  }
  if (n > MAX_EXACT_POINTS) {
    throw new RangeError(`exact W2 takes at most ${MAX_EXACT_POINTS} points per cloud (got ${n}); O(n^3) beyond that: use 'entropic' or 'sliced'`);
  }
  return solveAssignment(squaredDistances(x, y, dim), n).totalCost / n;
}

export interface EntropicW2Options extends SinkhornGpuOptions {
  /** Also solve OT_eps(x, x) and OT_eps(y, y) and report the debiased Sinkhorn divergence. Default false. */
  readonly debias?: boolean;
}

export interface EntropicW2 extends SinkhornSummary {
  /**
   * S_eps = OT_eps(x, y) - (OT_eps(x, x) + OT_eps(y, y)) / 2 (Feydy et al. 2019), with OT_eps the dual
   * objective at convergence: >= 0, zero for equal clouds, -> W2^2 as eps -> 0. Only with `debias`.
   */
  readonly divergence?: number;
}

/** OT_eps(x, y) - (OT_eps(x, x) + OT_eps(y, y)) / 2 from the three dual objectives. */
function debiased(cross: number, selfX: number, selfY: number): number {
  return cross - 0.5 * (selfX + selfY);
}

/** Entropic W2^2 (transport cost of the Sinkhorn plan) on the GPU; see the module header. */
export async function entropicW2Squared(gpu: GpuContext, x: Float32Array, y: Float32Array, dim: number, options: EntropicW2Options): Promise<EntropicW2> {
  const cross = await sinkhorn(gpu, x, y, dim, options);
  const summary: EntropicW2 = {
    transportCost: cross.transportCost,
    dualObjective: cross.dualObjective,
    marginalError: cross.marginalError,
    iterations: cross.iterations,
    converged: cross.converged,
  };
  if (!options.debias) return summary;
  const selfX = await sinkhorn(gpu, x, x, dim, options);
  const selfY = await sinkhorn(gpu, y, y, dim, options);
  return { ...summary, divergence: debiased(cross.dualObjective, selfX.dualObjective, selfY.dualObjective) };
}

/** float64 twin of entropicW2Squared (same schedule, CPU; O(n p) memory for the cost matrix). */
export function entropicW2SquaredFloat64(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  dim: number,
  options: SinkhornOptions & { readonly debias?: boolean },
): EntropicW2 {
  const { f: _f, g: _g, ...cross } = sinkhornReference.sinkhorn(x, y, dim, options);
  if (!options.debias) return cross;
  const selfX = sinkhornReference.sinkhorn(x, x, dim, options).dualObjective;
  const selfY = sinkhornReference.sinkhorn(y, y, dim, options).dualObjective;
  return { ...cross, divergence: debiased(cross.dualObjective, selfX, selfY) };
}

export type W2Request =
  | { readonly method: 'exact' }
  | ({ readonly method: 'entropic' } & EntropicW2Options)
  | ({ readonly method: 'sliced' } & SlicedOptions);

/**
 * W2^2 (exact), the entropic transport cost, or SW2^2 (sliced) between x [n x k] and y [p x k],
 * as one number. Use the method-specific functions for diagnostics (iterations, per-direction costs).
 */
export async function w2Squared(gpu: GpuContext, x: Float32Array, y: Float32Array, dim: number, request: W2Request): Promise<number> {
  switch (request.method) {
    case 'exact':
      return exactW2Squared(x, y, dim);
    case 'entropic': {
      const result = await entropicW2Squared(gpu, x, y, dim, request);
      return request.debias ? result.divergence! : result.transportCost;
    }
    case 'sliced':
      return (await slicedW2Squared(gpu, x, y, dim, request)).value;
  }
}
