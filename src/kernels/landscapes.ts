/**
 * Wrapper for shaders/landscapes.wgsl.ts: a bound run (`bindLandscapeRun`) that advances P
 * independent optimizer runs by T steps in ONE queue submit (a run that owns its buffers is
 * ./landscape-session.ts).
 * Within a dispatch each particle loops over its steps in registers (see the shader's header);
 * runs longer than spec.stepsPerDispatch are split into several dispatches of the same submit,
 * their (first_step, step_count, reset) params copied from a table between compute passes.
 */
import { landscapeBindingNames } from '../../shaders/landscapes.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { encodeWithParamsTable, type BoundKernel } from '../gpu/kernel';
import { checkBufferHolds } from '../gpu/validate';
import type { LandscapeSpec, LandscapeSpecInput } from '../core/landscape';
import { landscapeRunKernel, landscapeVariant, parseSpec } from './landscape-kernels';
import { landscapeBufferSizes, landscapeRunParams, type LandscapeChunk } from './landscape-run-params';
import { bindWithExpressionErrors, checkUserText } from './landscape-expression-errors';
import { GradientCheckError, checkExpressionGradient } from './landscape-gradient-check';

const NAME = 'landscapes/landscape_run';
const UINT32_RANGE = 2 ** 32;

/** Buffers of landscape_run; optional ones bind only when the spec needs them (see landscapeBindingNames). */
export interface LandscapeBuffers {
  /** f32 [P x k], read and written. */
  readonly positions: GPUBuffer;
  /** f32 [P x 4]: value, maxNorm, exitStep, logGrowth. */
  readonly stats: GPUBuffer;
  /** f32 [P x S], the optimizer's accumulators (adaptive rules only). */
  readonly state?: GPUBuffer;
  /** f32 [P]: per-particle learning rates; present = used instead of spec.learningRate. */
  readonly learningRates?: GPUBuffer;
  /** f32 [C x n], the cells' curvature lists (quadratic-sum only). */
  readonly curvatures?: GPUBuffer;
}

/**
 * P independent runs on GPU buffers. `record` appends T steps to a command encoder (several
 * dispatches when T > stepsPerDispatch, all in that encoder); `run` records and submits. The first
 * recorded chunk after creation or `restart` resets the accumulators and statistics.
 */
export class LandscapeRun {
  /** Steps taken so far: also the step index t of the next step (schedule and random counters). */
  stepsTaken = 0;
  private resetPending = true;
  private readonly pendingTables: GPUBuffer[] = [];

  constructor(
    private readonly gpu: GpuContext,
    public spec: LandscapeSpec,
    private readonly kernel: BoundKernel,
  ) {}

  /** Appends `stepCount` steps (0 only records the reset) to `encoder`; the caller submits it. */
  record(encoder: GPUCommandEncoder, stepCount: number): void {
    if (!Number.isInteger(stepCount) || stepCount < 0) throw new KernelArgumentError(NAME, 'stepCount', `must be an integer >= 0, got ${stepCount}`);
    if (this.stepsTaken + stepCount >= UINT32_RANGE) throw new KernelArgumentError(NAME, 'stepCount', 'takes the step counter past 2^32 - 1; restart the run');
    const perDispatch = this.spec.stepsPerDispatch;
    const chunks: LandscapeChunk[] = [];
    for (let done = 0; done < stepCount || (chunks.length === 0 && this.resetPending); done += perDispatch) {
      chunks.push({ firstStep: this.stepsTaken + done, stepCount: Math.min(perDispatch, stepCount - done), reset: this.resetPending && done === 0 });
    }
    if (chunks.length === 0) return;
    this.pendingTables.push(encodeWithParamsTable(this.gpu.device, encoder, this.kernel, NAME, chunks.map((chunk) => landscapeRunParams(this.spec, chunk))));
    this.stepsTaken += stepCount;
    this.resetPending = false;
  }

  /** Runs `stepCount` more steps in one submit and waits for the queue. */
  async run(stepCount: number): Promise<void> {
    const encoder = this.gpu.device.createCommandEncoder({ label: NAME });
    this.record(encoder, stepCount);
    this.gpu.device.queue.submit([encoder.finish()]);
    await this.gpu.device.queue.onSubmittedWorkDone();
    this.releaseTables();
  }

  /** Frees the params tables of recorded chunks; call after the submit holding them completed. */
  releaseTables(): void {
    for (const table of this.pendingTables.splice(0)) table.destroy();
  }

  /** The next recorded chunk continues at step t from whatever the buffers hold (a checkpoint written back). */
  resumeAt(stepsTaken: number): void {
    if (!Number.isInteger(stepsTaken) || stepsTaken < 0 || stepsTaken >= UINT32_RANGE) throw new KernelArgumentError(NAME, 'stepsTaken', `must be an integer in [0, 2^32), got ${stepsTaken}`);
    this.stepsTaken = stepsTaken;
    this.resetPending = false;
  }

  /** From the next recorded chunk on (spec.learningRate; a run with per-particle rates keeps its buffer). */
  setLearningRate(learningRate: number): void {
    if (!(Number.isFinite(learningRate) && learningRate >= 0)) throw new KernelArgumentError(NAME, 'learningRate', `is ${learningRate}; must be finite and >= 0`);
    this.spec = { ...this.spec, learningRate };
  }

  /** The next recorded chunk starts a fresh run at t = 0 from whatever the positions buffer holds. */
  restart(): void {
    this.stepsTaken = 0;
    this.resetPending = true;
  }

  destroy(): void {
    this.releaseTables();
    this.kernel.destroy();
  }
}

export interface BindLandscapeOptions {
  /** Start points to add to the expression's gradient check ([Q x k], a few suffice). */
  readonly gradientCheckPoints?: ArrayLike<number>;
}

/**
 * Binds landscape_run for `spec` on `buffers` (order: positions, stats, [state], [learningRates],
 * [curvatures]). For an expression: validates the text against the allow-list, compiles it (errors
 * point into the user's text) and runs the gradient check per spec.gradientCheck, before any run.
 */
export async function bindLandscapeRun(gpu: GpuContext, specInput: LandscapeSpecInput | LandscapeSpec, buffers: LandscapeBuffers, options: BindLandscapeOptions = {}): Promise<LandscapeRun> {
  const spec = parseSpec(NAME, specInput);
  const variant = landscapeVariant(spec, buffers.learningRates !== undefined);
  const sizes = landscapeBufferSizes(spec);
  if (sizes.positions >= UINT32_RANGE || (sizes.state >= UINT32_RANGE)) throw new KernelArgumentError(NAME, 'spec.particleCount', `${spec.particleCount} particles overflow the u32 index range`);
  const names = landscapeBindingNames(variant);
  const bound: GPUBuffer[] = names.map((name) => {
    const buffer = buffers[name as keyof LandscapeBuffers];
    if (!buffer) throw new KernelArgumentError(NAME, name, `is required for a ${spec.kind} run with optimizer ${spec.optimizer}`);
    checkBufferHolds(NAME, name, buffer, sizes[name as keyof typeof sizes]);
    return buffer;
  });
  if (spec.kind === 'expression') {
    checkUserText(spec);
    if (spec.gradientCheck !== 'off') {
      const report = await checkExpressionGradient(gpu, spec, options.gradientCheckPoints);
      if (report.mismatches.length > 0) {
        if (spec.gradientCheck === 'throw') throw new GradientCheckError(report);
        console.warn(new GradientCheckError(report).message);
      }
    }
  }
  const kernel = await bindWithExpressionErrors(gpu, landscapeRunKernel, variant, {
    params: landscapeRunParams(spec, { firstStep: 0, stepCount: 0, reset: true }),
    buffers: bound,
    workgroupCount: Math.ceil(spec.particleCount / ELEMENTWISE_WORKGROUP_SIZE),
  });
  return new LandscapeRun(gpu, spec, kernel);
}
