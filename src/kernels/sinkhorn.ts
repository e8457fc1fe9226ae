/**
 * Wrappers for shaders/sinkhorn.wgsl.ts: bound half steps and row costs on GPU buffers, the
 * solver that runs the schedule of src/core/sinkhorn-schedule.ts (many iterations per submit,
 * a 16-byte read-back per check), and an array-in/array-out helper.
 *
 * Memory: x, y, f, g and three O(n + p) scratch vectors; C and P are never stored, so 4096 x 4096
 * clouds need well under a megabyte. Work per iteration: 2 n p (k + O(1)) flops plus 2 n p exp.
 */
import {
  SINKHORN_HALF_STEP_PARAMS,
  SINKHORN_ROW_COST_PARAMS,
  sinkhornHalfStepSource,
  sinkhornRowCostSource,
  type SinkhornVariant,
} from '../../shaders/sinkhorn.wgsl';
import { REDUCTION_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize, createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, runKernels, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkFinite, checkLength, checkSize } from '../gpu/validate';
import {
  resolveSinkhornOptions,
  squaredDiameter,
  type ResolvedSinkhornOptions,
  type SinkhornOptions,
  type SinkhornSummary,
} from '../core/sinkhorn-schedule';
import { pointCount } from './point-cloud';
import { bindMeanLoss } from './two-layer';

/** Columns each thread should walk at least, before a row is split over more threads. */
const MIN_COLUMNS_PER_THREAD = 128;

/**
 * Threads per row for rows of `columnCount` entries: the largest power of two <= columnCount / 128,
 * within [1, REDUCTION_WORKGROUP_SIZE]. Long rows get many threads each (4096 x 4096: 32 per row,
 * 131072 threads, enough to fill a GPU); short rows (< 256) one thread each and no barrier, which
 * SwiftShader needs (a barrier costs it a coroutine switch per thread). Seven pipelines at most.
 */
export function threadsPerRowFor(columnCount: number): number {
  let threads = 1;
  while (threads * 2 <= REDUCTION_WORKGROUP_SIZE && threads * 2 * MIN_COLUMNS_PER_THREAD <= columnCount) threads *= 2;
  return threads;
}

const cacheKey = (variant: SinkhornVariant) => `f32-t${variant.threadsPerRow}`;

export const sinkhornHalfStepKernel: KernelSource<SinkhornVariant> = {
  family: 'sinkhorn',
  entryPoint: 'sinkhorn_half_step',
  source: sinkhornHalfStepSource,
  cacheKey,
};

export const sinkhornRowCostKernel: KernelSource<SinkhornVariant> = {
  family: 'sinkhorn',
  entryPoint: 'sinkhorn_row_cost',
  source: sinkhornRowCostSource,
  cacheKey,
};

/** GPU-only options: the schedule's, plus a fixed thread count per row (tests, tuning). */
export interface SinkhornGpuOptions extends SinkhornOptions {
  /** Threads per row, a power of two in [1, REDUCTION_WORKGROUP_SIZE]; default threadsPerRowFor(row length). */
  readonly threadsPerRow?: number;
}

function checkThreadsPerRow(name: string, threadsPerRow: number | undefined): void {
  if (threadsPerRow === undefined) return;
  if (!Number.isInteger(Math.log2(threadsPerRow)) || threadsPerRow < 1 || threadsPerRow > REDUCTION_WORKGROUP_SIZE) {
    throw new KernelArgumentError(name, 'threadsPerRow', `is ${threadsPerRow}; must be a power of two in [1, ${REDUCTION_WORKGROUP_SIZE}]`);
  }
}

/** The variant for rows of `otherCount` columns, and the workgroups that cover `count` rows. */
function rowLaunch(count: number, otherCount: number, fixedThreadsPerRow?: number): { variant: SinkhornVariant; workgroupCount: number } {
  const threadsPerRow = fixedThreadsPerRow ?? threadsPerRowFor(otherCount);
  return { variant: { threadsPerRow }, workgroupCount: Math.ceil((count * threadsPerRow) / REDUCTION_WORKGROUP_SIZE) };
}

/** n points x and p points y in R^k. */
export interface SinkhornShape {
  readonly xCount: number;
  readonly yCount: number;
  readonly dim: number;
}

/** One side of a half step: `count` rows updated against `otherCount` rows. */
export interface HalfStepShape {
  readonly count: number;
  readonly otherCount: number;
  readonly dim: number;
}

export interface HalfStepBuffers {
  /** This side's points [count x k]. */
  readonly points: GPUBuffer;
  /** The other side's points [otherCount x k]. */
  readonly otherPoints: GPUBuffer;
  /** The other side's potential [otherCount]. */
  readonly otherPotential: GPUBuffer;
  /** This side's potential [count], updated when committing. */
  readonly potential: GPUBuffer;
  /** |r_i / a_i - 1| [count], written. */
  readonly marginalError: GPUBuffer;
}

function checkEpsilon(name: string, epsilon: number): void {
  if (!(epsilon > 0 && Number.isFinite(Math.fround(1 / epsilon)) && Number.isFinite(Math.fround(epsilon)))) {
    throw new KernelArgumentError(name, 'epsilon', `is ${epsilon}; eps and 1/eps must be positive finite float32 values`);
  }
}

function checkShape(gpu: GpuContext, name: string, shape: HalfStepShape): void {
  for (const argument of ['count', 'otherCount', 'dim'] as const) checkSize(name, argument, shape[argument]);
  checkBufferSize(gpu, 'points', shape.count * shape.dim * 4, name);
  checkBufferSize(gpu, 'otherPoints', shape.otherCount * shape.dim * 4, name);
}

/** Every check of a row kernel: shape, eps, threads per row, and that each buffer holds its element count. */
function checkRowKernel(
  gpu: GpuContext,
  name: string,
  shape: HalfStepShape,
  epsilon: number,
  threadsPerRow: number | undefined,
  holds: Record<string, readonly [GPUBuffer, number]>,
): void {
  checkShape(gpu, name, shape);
  checkEpsilon(name, epsilon);
  checkThreadsPerRow(name, threadsPerRow);
  for (const [argument, [buffer, elementCount]] of Object.entries(holds)) checkBufferHolds(name, argument, buffer, elementCount);
}

/**
 * sinkhorn_half_step: potential_i <- -eps log((1/q) sum_j exp((otherPotential_j - C_ij)/eps)) (when `commit`),
 * marginalError_i = |r_i / a_i - 1| for the plan before the update. Bindings: 1 points, 2 otherPoints,
 * 3 otherPotential, 4 potential, 5 marginalError. threadsPerRowFor(otherCount) threads per row of this side.
 */
export function bindSinkhornHalfStep(
  gpu: GpuContext,
  shape: HalfStepShape,
  epsilon: number,
  commit: boolean,
  buffers: HalfStepBuffers,
  threadsPerRow?: number,
): Promise<BoundKernel> {
  const { count, otherCount, dim } = shape;
  checkRowKernel(gpu, 'sinkhorn/sinkhorn_half_step', shape, epsilon, threadsPerRow, {
    points: [buffers.points, count * dim],
    otherPoints: [buffers.otherPoints, otherCount * dim],
    otherPotential: [buffers.otherPotential, otherCount],
    potential: [buffers.potential, count],
    marginalError: [buffers.marginalError, count],
  });
  const { variant, workgroupCount } = rowLaunch(count, otherCount, threadsPerRow);
  return bindKernel(gpu, sinkhornHalfStepKernel, variant, {
    params: SINKHORN_HALF_STEP_PARAMS.pack({
      count,
      other_count: otherCount,
      dim,
      commit: commit ? 1 : 0,
      epsilon,
      inverse_epsilon: 1 / epsilon,
      log_other_count: Math.log(otherCount),
    }),
    buffers: [buffers.points, buffers.otherPoints, buffers.otherPotential, buffers.potential, buffers.marginalError],
    workgroupCount,
  });
}

export interface SinkhornBuffers {
  /** x [n x k]. */
  readonly x: GPUBuffer;
  /** y [p x k]. */
  readonly y: GPUBuffer;
  /** f [n]: initial potential on entry (zeros for a cold start), solution on exit. */
  readonly f: GPUBuffer;
  /** g [p]: likewise. */
  readonly g: GPUBuffer;
}

/**
 * sinkhorn_row_cost: rowCost_i = n sum_j P_ij C_ij, so mean_i rowCost_i = <P, C>.
 * Bindings: 1 x, 2 y, 3 f, 4 g, 5 rowCost [n]. threadsPerRowFor(p) threads per row of x.
 */
export function bindSinkhornRowCost(
  gpu: GpuContext,
  shape: SinkhornShape,
  epsilon: number,
  buffers: SinkhornBuffers & { readonly rowCost: GPUBuffer },
  threadsPerRow?: number,
): Promise<BoundKernel> {
  const { xCount: n, yCount: p, dim } = shape;
  checkRowKernel(gpu, 'sinkhorn/sinkhorn_row_cost', { count: n, otherCount: p, dim }, epsilon, threadsPerRow, {
    x: [buffers.x, n * dim],
    y: [buffers.y, p * dim],
    f: [buffers.f, n],
    g: [buffers.g, p],
    rowCost: [buffers.rowCost, n],
  });
  const { variant, workgroupCount } = rowLaunch(n, p, threadsPerRow);
  return bindKernel(gpu, sinkhornRowCostKernel, variant, {
    params: SINKHORN_ROW_COST_PARAMS.pack({ count: n, other_count: p, dim, inverse_epsilon: 1 / epsilon, log_other_count: Math.log(p) }),
    buffers: [buffers.x, buffers.y, buffers.f, buffers.g, buffers.rowCost],
    workgroupCount,
  });
}

/** Slots of the solver's metrics buffer. */
const TRANSPORT_COST = 0;
const MARGINAL_ERROR = 1;
const MEAN_F = 2;
const MEAN_G = 3;

/**
 * Log-domain Sinkhorn on GPU buffers. `create` binds every kernel once (one (f, g) pair per
 * annealing level); `solve` records `checkEvery` iterations plus a marginal-error check per
 * submit and reads back 16 bytes per check. The potentials stay in `buffers.f`, `buffers.g`,
 * so a later solve on moved clouds warm-starts from them.
 */
export class SinkhornSolver {
  private constructor(
    private readonly gpu: GpuContext,
    private readonly schedule: ResolvedSinkhornOptions,
    private readonly scratch: readonly GPUBuffer[],
    private readonly metrics: GPUBuffer,
    private readonly annealing: readonly BoundKernel[],
    private readonly iteration: readonly BoundKernel[],
    private readonly check: readonly BoundKernel[],
    private readonly finish: readonly BoundKernel[],
  ) {}

  /**
   * Binds the solver. Without `options.initialEpsilon`, eps-scaling needs the clouds' squared
   * diameter (`diameterSquared`), which the buffers cannot tell; pass epsilonScaling 1 to disable it.
   */
  static async create(
    gpu: GpuContext,
    shape: SinkhornShape,
    buffers: SinkhornBuffers,
    options: SinkhornGpuOptions,
    diameterSquared?: number,
  ): Promise<SinkhornSolver> {
    const name = 'sinkhorn/solver';
    const { xCount: n, yCount: p, dim } = shape;
    const { threadsPerRow } = options;
    checkShape(gpu, name, { count: n, otherCount: p, dim });
    checkThreadsPerRow(name, threadsPerRow);
    if (buffers.f === buffers.g) throw new KernelArgumentError(name, 'g', 'is the same buffer as f; the potentials need separate buffers (each half step writes one while reading the other)');
    if (options.initialEpsilon === undefined && diameterSquared === undefined && (options.epsilonScaling ?? 0.5) < 1) {
      throw new KernelArgumentError(name, 'initialEpsilon', 'is required for eps-scaling on GPU buffers (pass the squared diameter of the clouds, or epsilonScaling 1)');
    }
    const schedule = resolveSinkhornOptions(name, options, diameterSquared ?? 0);
    const marginalError = createStorageBuffer(gpu, `${name}/marginalError`, Math.max(n, p) * 4);
    const rowCost = createStorageBuffer(gpu, `${name}/rowCost`, n * 4);
    const metrics = createStorageBuffer(gpu, `${name}/metrics`, 4 * 4);
    const scratch = [marginalError, rowCost, metrics];
    try {
      // f is updated against g over the rows of x; g against f over the rows of y.
      const rowSide = { points: buffers.x, otherPoints: buffers.y, otherPotential: buffers.g, potential: buffers.f, marginalError };
      const columnSide = { points: buffers.y, otherPoints: buffers.x, otherPotential: buffers.f, potential: buffers.g, marginalError };
      const rows = (epsilon: number, commit: boolean) =>
        bindSinkhornHalfStep(gpu, { count: n, otherCount: p, dim }, epsilon, commit, rowSide, threadsPerRow);
      const columns = (epsilon: number) => bindSinkhornHalfStep(gpu, { count: p, otherCount: n, dim }, epsilon, true, columnSide, threadsPerRow);
      const pair = async (epsilon: number) => [await rows(epsilon, true), await columns(epsilon)];
      const annealing = (await Promise.all(schedule.annealing.map(pair))).flat();
      const { epsilon } = schedule;
      const check = [await rows(epsilon, false), await bindMeanLoss(gpu, n, MARGINAL_ERROR, { loss: marginalError, metrics })];
      const finish = [
        await bindSinkhornRowCost(gpu, shape, epsilon, { ...buffers, rowCost }, threadsPerRow),
        await bindMeanLoss(gpu, n, TRANSPORT_COST, { loss: rowCost, metrics }),
        await bindMeanLoss(gpu, n, MEAN_F, { loss: buffers.f, metrics }),
        await bindMeanLoss(gpu, p, MEAN_G, { loss: buffers.g, metrics }),
      ];
      return new SinkhornSolver(gpu, schedule, scratch, metrics, annealing, await pair(epsilon), check, finish);
    } catch (error) {
      scratch.forEach((buffer) => buffer.destroy());
      throw error;
    }
  }

  /** Runs the annealing levels, then iterations at eps until the marginal error <= tolerance or maxIterations. */
  async solve(): Promise<SinkhornSummary> {
    const { maxIterations, checkEvery, tolerance } = this.schedule;
    let pending: BoundKernel[] = [...this.annealing];
    let iterations = 0;
    let marginalError = Infinity;
    while (true) {
      const chunk = Math.min(checkEvery, maxIterations - iterations);
      for (let t = 0; t < chunk; t++) pending.push(...this.iteration);
      pending.push(...this.check);
      await runKernels(this.gpu, 'sinkhorn/solve', pending);
      pending = [];
      iterations += chunk;
      marginalError = (await readFloat32(this.gpu, this.metrics, 4))[MARGINAL_ERROR]!;
      if (marginalError <= tolerance || iterations >= maxIterations) break;
    }
    await runKernels(this.gpu, 'sinkhorn/transport-cost', this.finish);
    const metrics = await readFloat32(this.gpu, this.metrics, 4);
    return {
      transportCost: metrics[TRANSPORT_COST]!,
      dualObjective: metrics[MEAN_F]! + metrics[MEAN_G]!,
      marginalError,
      iterations,
      converged: marginalError <= tolerance,
    };
  }

  destroy(): void {
    for (const kernel of [...this.annealing, ...this.iteration, ...this.check, ...this.finish]) kernel.destroy();
    this.scratch.forEach((buffer) => buffer.destroy());
  }
}

export interface SinkhornResult extends SinkhornSummary {
  readonly f: Float32Array;
  readonly g: Float32Array;
}

/**
 * Entropic OT between the uniform clouds x [n x k] and y [p x k] on the GPU: uploads, solves,
 * reads back the potentials. `initial` warm-starts f [n], g [p] (default zeros).
 */
export async function sinkhorn(
  gpu: GpuContext,
  x: Float32Array,
  y: Float32Array,
  dim: number,
  options: SinkhornGpuOptions,
  initial?: { readonly f: Float32Array; readonly g: Float32Array },
): Promise<SinkhornResult> {
  const name = 'sinkhorn/sinkhorn';
  checkThreadsPerRow(name, options.threadsPerRow);
  const n = pointCount(name, 'x', x, dim);
  const p = pointCount(name, 'y', y, dim);
  const diameterSquared = squaredDiameter(x, y, dim);
  resolveSinkhornOptions(name, options, diameterSquared);
  if (initial) {
    checkLength(name, 'initial.f', initial.f, n, `[${n}]`);
    checkLength(name, 'initial.g', initial.g, p, `[${p}]`);
    checkFinite(name, 'initial.f', initial.f);
    checkFinite(name, 'initial.g', initial.g);
  }
  checkShape(gpu, name, { count: n, otherCount: p, dim });
  const buffers: SinkhornBuffers = {
    x: createStorageBuffer(gpu, `${name}/x`, x),
    y: createStorageBuffer(gpu, `${name}/y`, y),
    f: createStorageBuffer(gpu, `${name}/f`, initial?.f ?? new Float32Array(n)),
    g: createStorageBuffer(gpu, `${name}/g`, initial?.g ?? new Float32Array(p)),
  };
  let solver: SinkhornSolver | undefined;
  try {
    solver = await SinkhornSolver.create(gpu, { xCount: n, yCount: p, dim }, buffers, options, diameterSquared);
    const summary = await solver.solve();
    const [f, g] = await Promise.all([readFloat32(gpu, buffers.f, n), readFloat32(gpu, buffers.g, p)]);
    return { ...summary, f, g };
  } finally {
    solver?.destroy();
    Object.values(buffers).forEach((buffer) => buffer.destroy());
  }
}
