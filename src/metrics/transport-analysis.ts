/**
 * Optimal transport between two uniform point clouds x [n x k] and y [p x k], C_ij = |x_i - y_j|^2, with
 * every diagnostic `gradflow analyze w2` reports, by one of three methods (docs/science.md section 1):
 *   exact     W2^2 and an optimal plan (exact-transport.ts), float64, any sizes with lcm(n, p) <= 2048;
 *   sinkhorn  the entropic plan at eps (log-domain Sinkhorn with eps-scaling, src/core/sinkhorn-schedule.ts):
 *             <P, C>, the entropic objective, the marginal errors, iterations and P's largest entries
 *             (entropic-plan.ts); float64, or the GPU solver (float32 potentials) for large clouds;
 *   sliced    SW2^2, the mean 1-D W2^2 over random directions (SW2 <= W2, a different metric), float64 or GPU.
 */
import type { GpuContext } from '../gpu/device';
import { resolveSinkhornOptions, squaredDiameter } from '../core/sinkhorn-schedule';
import { slicedDirections } from '../core/sliced-directions';
import { sinkhorn as sinkhornFloat64 } from '../float64/sinkhorn';
import { slicedW2Squared as slicedFloat64 } from '../float64/sliced';
import { sinkhorn as sinkhornGpu } from '../kernels/sinkhorn-solver';
import { slicedW2Squared as slicedGpu } from '../kernels/sliced';
import { entropicPlan } from './entropic-plan';
import { exactTransport, type SparsePlan } from './exact-transport';

export const TRANSPORT_METHODS = ['exact', 'sinkhorn', 'sliced'] as const;
export type TransportMethod = (typeof TRANSPORT_METHODS)[number];

/** Most pairs n p the float64 Sinkhorn takes: it stores C (8 n p bytes, 128 MiB here); the GPU stores neither C nor P. */
export const MAX_FLOAT64_SINKHORN_PAIRS = 2 ** 24;

/** eps when none is given: this fraction of the squared diameter of both clouds (so the default follows their scale). */
export const DEFAULT_EPSILON_FRACTION = 1e-3;

export type TransportRequest =
  | { readonly method: 'exact' }
  | {
      readonly method: 'sinkhorn';
      /** eps > 0 in squared-distance units (default DEFAULT_EPSILON_FRACTION x the squared diameter). */
      readonly epsilon?: number;
      /** L1 row-marginal error to stop at (default 1e-6 in float64, 1e-4 on the GPU, above its float32 floor). */
      readonly tolerance?: number;
      /** Most iterations at eps (default 10000). */
      readonly maxIterations?: number;
      /** Largest plan entries to report (default n + p: a vertex of the transport polytope has at most n + p - 1 nonzeros). */
      readonly topCount?: number;
      readonly gpu?: GpuContext;
    }
  | {
      readonly method: 'sliced';
      /** L directions (default 64). */
      readonly directionCount?: number;
      /** Seed of the directions (default 0). */
      readonly seed?: number;
      readonly gpu?: GpuContext;
    };

export interface ExactTransportAnalysis {
  readonly method: 'exact';
  readonly backend: string;
  readonly w2Squared: number;
  /** The optimal plan, every nonzero entry. */
  readonly plan: SparsePlan;
  readonly assignmentSize: number;
  readonly rowMarginalError: number;
  readonly columnMarginalError: number;
}

export interface SinkhornTransportAnalysis {
  readonly method: 'sinkhorn';
  readonly backend: string;
  readonly epsilon: number;
  readonly tolerance: number;
  readonly maxIterations: number;
  /** <P, C> of the entropic plan: in [W2^2, W2^2 + eps log(min(n, p))] once the marginals are met. */
  readonly transportCost: number;
  /** <a, f> + <b, g>: the entropic OT value OT_eps = min <P, C> + eps KL(P | a x b) at convergence. */
  readonly dualObjective: number;
  /** <P, C> + eps KL(P | a x b) of the returned plan (equals the dual one at convergence). */
  readonly primalObjective: number;
  /** The solver's stopping quantity sum_i |r_i - 1/n|, at its last check. */
  readonly marginalError: number;
  /** Recomputed in float64 from the returned potentials. */
  readonly rowMarginalError: number;
  readonly columnMarginalError: number;
  readonly totalMass: number;
  /** Iterations at eps (eps-scaling levels not counted). */
  readonly iterations: number;
  readonly annealingLevels: number;
  readonly converged: boolean;
  /** P's largest entries and their total mass. */
  readonly plan: SparsePlan;
  readonly planMass: number;
}

export interface SlicedTransportAnalysis {
  readonly method: 'sliced';
  readonly backend: string;
  /** SW2^2: the mean over directions of the 1-D W2^2 of the projections. */
  readonly slicedW2Squared: number;
  readonly directionCount: number;
  readonly seed: number;
  /** The 1-D W2^2 of each direction [L]. */
  readonly perDirection: Float64Array;
}

export type TransportAnalysis = ExactTransportAnalysis | SinkhornTransportAnalysis | SlicedTransportAnalysis;

const backendOf = (gpu: GpuContext | undefined) => (gpu ? `gpu (${gpu.adapterDescription}), float32` : 'float64');

/** Transport between x [n x dim] and y [p x dim] (finite values) by the requested method. */
export async function analyzeTransport(x: Float64Array, y: Float64Array, dim: number, request: TransportRequest): Promise<TransportAnalysis> {
  const n = x.length / dim;
  const p = y.length / dim;
  switch (request.method) {
    case 'exact': {
      const { w2Squared, plan, assignmentSize } = exactTransport(x, y, dim);
      return { method: 'exact', backend: 'float64', w2Squared, plan, assignmentSize, ...marginalErrors(plan, n, p) };
    }
    case 'sinkhorn': {
      const { gpu } = request;
      const epsilon = request.epsilon ?? DEFAULT_EPSILON_FRACTION * squaredDiameter(x, y, dim);
      const tolerance = request.tolerance ?? (gpu ? 1e-4 : 1e-6);
      const maxIterations = request.maxIterations ?? 10_000;
      const options = { epsilon, tolerance, maxIterations };
      // Checks the options (eps > 0 and finite, ...) before anything is solved, naming the bad one.
      const annealingLevels = resolveSinkhornOptions('analyze/sinkhorn', options, squaredDiameter(x, y, dim)).annealing.length;
      if (!gpu && n * p > MAX_FLOAT64_SINKHORN_PAIRS) {
        throw new RangeError(`float64 Sinkhorn stores the ${n} x ${p} cost matrix, over ${MAX_FLOAT64_SINKHORN_PAIRS} entries; use the GPU (--backend gpu) or the sliced method`);
      }
      const solved = gpu ? await sinkhornGpu(gpu, Float32Array.from(x), Float32Array.from(y), dim, options) : sinkhornFloat64(x, y, dim, options);
      const plan = entropicPlan(x, y, dim, solved, epsilon, request.topCount ?? n + p);
      return {
        method: 'sinkhorn',
        backend: backendOf(gpu),
        epsilon,
        tolerance,
        maxIterations,
        transportCost: plan.transportCost,
        dualObjective: solved.dualObjective,
        primalObjective: plan.primalObjective,
        marginalError: solved.marginalError,
        rowMarginalError: plan.rowMarginalError,
        columnMarginalError: plan.columnMarginalError,
        totalMass: plan.totalMass,
        iterations: solved.iterations,
        annealingLevels,
        converged: solved.converged,
        plan: plan.top,
        planMass: plan.topMass,
      };
    }
    case 'sliced': {
      const { gpu } = request;
      const directionCount = request.directionCount ?? 64;
      const seed = request.seed ?? 0;
      const result = gpu
        ? await slicedGpu(gpu, Float32Array.from(x), Float32Array.from(y), dim, { directionCount, seed })
        : slicedFloat64(x, y, slicedDirections(seed, directionCount, dim), { xCount: n, yCount: p, dim, directionCount });
      return { method: 'sliced', backend: backendOf(gpu), slicedW2Squared: result.value, directionCount, seed, perDirection: Float64Array.from(result.perDirection) };
    }
  }
}

/** sum_i |row_i - 1/n| and sum_j |column_j - 1/p| of a sparse plan. */
function marginalErrors(plan: SparsePlan, n: number, p: number): { rowMarginalError: number; columnMarginalError: number } {
  const rows = new Float64Array(n);
  const columns = new Float64Array(p);
  plan.masses.forEach((mass, e) => {
    rows[plan.rows[e]!] = rows[plan.rows[e]!]! + mass;
    columns[plan.columns[e]!] = columns[plan.columns[e]!]! + mass;
  });
  return {
    rowMarginalError: rows.reduce((sum, r) => sum + Math.abs(r - 1 / n), 0),
    columnMarginalError: columns.reduce((sum, c) => sum + Math.abs(c - 1 / p), 0),
  };
}
