/**
 * Log-domain Sinkhorn on GPU buffers, composed from the sinkhorn family's bound kernels
 * (src/kernels/sinkhorn.ts): the solver that runs the schedule of src/core/sinkhorn-schedule.ts
 * (many iterations per submit, a 16-byte read-back per check), and an array-in/array-out helper.
 *
 * Memory: x, y, f, g and three O(n + p) scratch vectors; C and P are never stored, so 4096 x 4096
 * clouds need well under a megabyte. Work per iteration: 2 n p (k + O(1)) flops plus 2 n p exp.
 */
import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { runKernels, type BoundKernel } from '../gpu/kernel';
import { checkFinite, checkLength } from '../gpu/validate';
import {
  resolveSinkhornOptions,
  squaredDiameter,
  type ResolvedSinkhornOptions,
  type SinkhornOptions,
  type SinkhornSummary,
} from '../core/sinkhorn-schedule';
import { pointCount } from './point-cloud';
import { bindMeanLoss } from './two-layer';
import { bindSinkhornHalfStep, bindSinkhornRowCost, checkShape, checkThreadsPerRow, type SinkhornBuffers, type SinkhornShape } from './sinkhorn';

/** GPU-only options: the schedule's, plus a fixed thread count per row (tests, tuning). */
export interface SinkhornGpuOptions extends SinkhornOptions {
  /** Threads per row, a power of two in [1, REDUCTION_WORKGROUP_SIZE]; default threadsPerRowFor(row length). */
  readonly threadsPerRow?: number;
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
