/**
 * The iteration schedule shared by the GPU Sinkhorn solver (src/kernels/sinkhorn-solver.ts) and its float64
 * twin (src/float64/sinkhorn.ts), so both run the same sequence of updates:
 *
 *   1. eps-scaling (Schmitzer 2019; Feydy et al. 2019): one full iteration (f then g) at each of
 *      eps_0 = initialEpsilon, eps_0 s, eps_0 s^2, ... while above eps, warm-starting the potentials;
 *   2. at eps: chunks of `checkEvery` iterations, each followed by a check of the L1 row-marginal
 *      error sum_i |r_i - 1/n| (the columns are exact right after a g update), until it is
 *      <= tolerance or maxIterations iterations at eps have run.
 */
import { KernelArgumentError } from './errors';

/** Each annealing level binds its own kernels; more levels than this means a factor too close to 1. */
export const MAX_ANNEALING_LEVELS = 256;

export interface SinkhornOptions {
  /** Entropic regularisation eps > 0, in units of squared distance. */
  readonly epsilon: number;
  /**
   * Stop once sum_i |r_i - 1/n| <= tolerance. Default 1e-4. On the GPU the measured error has a float32
   * floor of about 2^-24 max|f| / eps (f32 potentials), e.g. 1e-5 for costs O(1) at eps = 0.01;
   * a tolerance below the floor runs to maxIterations.
   */
  readonly tolerance?: number;
  /** Most iterations at the target eps (annealing levels not counted). Default 1000. */
  readonly maxIterations?: number;
  /** Iterations between two marginal-error checks (each check costs a read-back). Default 10. */
  readonly checkEvery?: number;
  /** eps-scaling factor per level, in (0, 1]; 1 disables the annealing. Default 0.5. */
  readonly epsilonScaling?: number;
  /** eps of the first annealing level. Default: the squared diameter of the union of both clouds. */
  readonly initialEpsilon?: number;
}

export interface ResolvedSinkhornOptions {
  readonly epsilon: number;
  readonly tolerance: number;
  readonly maxIterations: number;
  readonly checkEvery: number;
  /** The eps of each annealing level, decreasing, all > epsilon (one iteration each). */
  readonly annealing: readonly number[];
}

/** The squared diagonal of the bounding box of both clouds: an upper bound on every C_ij. */
export function squaredDiameter(x: ArrayLike<number>, y: ArrayLike<number>, dim: number): number {
  let total = 0;
  for (let c = 0; c < dim; c++) {
    let low = Infinity;
    let high = -Infinity;
    for (const points of [x, y]) {
      for (let i = c; i < points.length; i += dim) {
        low = Math.min(low, points[i]!);
        high = Math.max(high, points[i]!);
      }
    }
    total += (high - low) ** 2;
  }
  return total;
}

/** eps_0, eps_0 s, eps_0 s^2, ... while > epsilon (empty when s = 1 or eps_0 <= epsilon). */
export function annealingEpsilons(initialEpsilon: number, epsilon: number, scaling: number): number[] {
  const levels: number[] = [];
  if (scaling >= 1) return levels;
  for (let level = initialEpsilon; level > epsilon; level *= scaling) levels.push(level);
  return levels;
}

/** Fills in the defaults and checks every option, naming the bad one (KernelArgumentError of `kernel`). */
export function resolveSinkhornOptions(kernel: string, options: SinkhornOptions, diameterSquared: number): ResolvedSinkhornOptions {
  const fail = (argument: string, problem: string) => new KernelArgumentError(kernel, argument, problem);
  const { epsilon } = options;
  if (!(Number.isFinite(epsilon) && epsilon > 0)) throw fail('epsilon', `must be a finite number > 0, got ${epsilon}`);
  if (!(Math.fround(1 / epsilon) < Infinity)) throw fail('epsilon', `${epsilon} is too small for float32 (1/eps overflows)`);
  const tolerance = options.tolerance ?? 1e-4;
  if (!(tolerance >= 0)) throw fail('tolerance', `must be >= 0, got ${tolerance}`);
  const maxIterations = options.maxIterations ?? 1000;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw fail('maxIterations', `must be a positive integer, got ${maxIterations}`);
  const checkEvery = options.checkEvery ?? 10;
  if (!Number.isInteger(checkEvery) || checkEvery < 1) throw fail('checkEvery', `must be a positive integer, got ${checkEvery}`);
  const scaling = options.epsilonScaling ?? 0.5;
  if (!(scaling > 0 && scaling <= 1)) throw fail('epsilonScaling', `must be in (0, 1], got ${scaling}`);
  const initialEpsilon = options.initialEpsilon ?? diameterSquared;
  if (!(Number.isFinite(initialEpsilon) && initialEpsilon >= 0)) throw fail('initialEpsilon', `must be finite and >= 0, got ${initialEpsilon}`);
  const annealing = annealingEpsilons(initialEpsilon, epsilon, scaling);
  if (annealing.length > MAX_ANNEALING_LEVELS) {
    throw fail('epsilonScaling', `${scaling} takes ${annealing.length} levels from ${initialEpsilon} down to ${epsilon}, over ${MAX_ANNEALING_LEVELS}; use a smaller factor`);
  }
  return { epsilon, tolerance, maxIterations, checkEvery, annealing };
}

/** What a Sinkhorn solve reports (float64 numbers; the GPU's are float32 values widened). */
export interface SinkhornSummary {
  /** <P, C> = sum_ij P_ij |x_i - y_j|^2, the transport cost of the entropic plan. */
  readonly transportCost: number;
  /** <a, f> + <b, g>: the entropic OT value OT_eps = <P, C> + eps KL(P | a x b) once converged. */
  readonly dualObjective: number;
  /** sum_i |r_i - 1/n| at the last check. */
  readonly marginalError: number;
  /** Iterations run at the target eps. */
  readonly iterations: number;
  /** Whether marginalError <= tolerance was reached. */
  readonly converged: boolean;
}
