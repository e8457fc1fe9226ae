/**
 * Wrappers for shaders/linear-logistic.wgsl.ts: R independent runs of linear logistic regression on
 * the GPU (one thread each), advanced `stepsPerDispatch` steps per dispatch, all dispatches of a call
 * in one submit. Buffers: signedSamples [n x d], runs [R] settings, weights [R x d], velocity [R x d].
 */
import { LINEAR_LOGISTIC_RUN_PARAMS, linearLogisticRunSource, RUN_SETTINGS_FLOATS, type LinearLogisticVariant } from '../../shaders/linear-logistic.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize, createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, encodeWithParamsTable, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkFinite, checkLength, checkSize } from '../gpu/validate';
import type { LinearRunSettings } from '../core/linear-run';

const NAME = 'linear-logistic/linear_logistic_run';
const VARIANT: LinearLogisticVariant = {};
/** Default steps per dispatch: keeps one dispatch short (a GPU watchdog) while amortising its launch. */
export const LINEAR_STEPS_PER_DISPATCH = 1024;

export const linearLogisticRunKernel: KernelSource<LinearLogisticVariant> = {
  family: 'linear-logistic',
  entryPoint: 'linear_logistic_run',
  source: linearLogisticRunSource,
  cacheKey: () => 'f32',
};

export interface LinearLogisticShape {
  /** n. */
  readonly sampleCount: number;
  /** d. */
  readonly dim: number;
  /** R. */
  readonly runCount: number;
}

export interface LinearLogisticBuffers {
  /** f32 [n x d]: s_i = y_i x_i. */
  readonly signedSamples: GPUBuffer;
  /** [R] x (learning_rate f32, momentum f32, normalized u32, unused u32). */
  readonly runs: GPUBuffer;
  /** f32 [R x d], read and written. */
  readonly weights: GPUBuffer;
  /** f32 [R x d], the heavy-ball velocity, read and written. */
  readonly velocity: GPUBuffer;
}

/** Packs the per-run settings as the WGSL RunSettings struct array; checks each one. */
export function packRunSettings(runs: readonly LinearRunSettings[]): Uint32Array<ArrayBuffer> {
  const words = new Uint32Array(runs.length * RUN_SETTINGS_FLOATS);
  const floats = new Float32Array(words.buffer);
  runs.forEach((run, r) => {
    if (run.rule !== 'gd' && run.rule !== 'normalized-gd') throw new KernelArgumentError(NAME, `runs[${r}].rule`, `is '${String(run.rule)}'; expected 'gd' or 'normalized-gd'`);
    if (!(Number.isFinite(run.learningRate) && run.learningRate > 0)) throw new KernelArgumentError(NAME, `runs[${r}].learningRate`, `is ${run.learningRate}; must be finite and > 0`);
    if (!(run.momentum >= 0 && run.momentum < 1)) throw new KernelArgumentError(NAME, `runs[${r}].momentum`, `is ${run.momentum}; must lie in [0, 1)`);
    floats[r * RUN_SETTINGS_FLOATS] = run.learningRate;
    floats[r * RUN_SETTINGS_FLOATS + 1] = run.momentum;
    words[r * RUN_SETTINGS_FLOATS + 2] = run.rule === 'normalized-gd' ? 1 : 0;
  });
  return words;
}

function runParams(shape: LinearLogisticShape, stepCount: number): ArrayBuffer {
  return LINEAR_LOGISTIC_RUN_PARAMS.pack({ run_count: shape.runCount, sample_count: shape.sampleCount, dim: shape.dim, step_count: stepCount });
}

function checkShape(shape: LinearLogisticShape): void {
  checkSize(NAME, 'sampleCount', shape.sampleCount);
  checkSize(NAME, 'dim', shape.dim);
  checkSize(NAME, 'runCount', shape.runCount);
  if (shape.sampleCount * shape.dim >= 2 ** 32 || shape.runCount * shape.dim >= 2 ** 32) {
    throw new KernelArgumentError(NAME, 'sampleCount', 'n x d or R x d overflows the u32 index range; use smaller shapes');
  }
}

/** R runs bound on GPU buffers: `run(T)` advances every run T steps (ceil(T / stepsPerDispatch) dispatches, one submit). */
export class LinearLogisticRun {
  stepsTaken = 0;

  constructor(
    private readonly gpu: GpuContext,
    readonly shape: LinearLogisticShape,
    private readonly kernel: BoundKernel,
    readonly stepsPerDispatch: number,
  ) {}

  /** Appends `stepCount` steps to `encoder` (copying each chunk's params from a table); returns the table to free after the submit. */
  record(encoder: GPUCommandEncoder, stepCount: number): GPUBuffer | undefined {
    if (!Number.isInteger(stepCount) || stepCount < 0) throw new KernelArgumentError(NAME, 'stepCount', `must be an integer >= 0, got ${stepCount}`);
    const chunks: number[] = [];
    for (let done = 0; done < stepCount; done += this.stepsPerDispatch) chunks.push(Math.min(this.stepsPerDispatch, stepCount - done));
    if (chunks.length === 0) return undefined;
    const table = encodeWithParamsTable(this.gpu.device, encoder, this.kernel, NAME, chunks.map((count) => runParams(this.shape, count)));
    this.stepsTaken += stepCount;
    return table;
  }

  /** Runs `stepCount` more steps of every run in one submit and waits for the queue. */
  async run(stepCount: number): Promise<void> {
    const encoder = this.gpu.device.createCommandEncoder({ label: NAME });
    const table = this.record(encoder, stepCount);
    this.gpu.device.queue.submit([encoder.finish()]);
    await this.gpu.device.queue.onSubmittedWorkDone();
    table?.destroy();
  }

  destroy(): void {
    this.kernel.destroy();
  }
}

/** Binds linear_logistic_run on `buffers` (checked against the shape). */
export async function bindLinearLogisticRun(gpu: GpuContext, shape: LinearLogisticShape, buffers: LinearLogisticBuffers, stepsPerDispatch = LINEAR_STEPS_PER_DISPATCH): Promise<LinearLogisticRun> {
  checkShape(shape);
  checkSize(NAME, 'stepsPerDispatch', stepsPerDispatch);
  const { sampleCount: n, dim: d, runCount: R } = shape;
  checkBufferHolds(NAME, 'signedSamples', buffers.signedSamples, n * d);
  checkBufferHolds(NAME, 'runs', buffers.runs, R * RUN_SETTINGS_FLOATS);
  checkBufferHolds(NAME, 'weights', buffers.weights, R * d);
  checkBufferHolds(NAME, 'velocity', buffers.velocity, R * d);
  const kernel = await bindKernel(gpu, linearLogisticRunKernel, VARIANT, {
    params: runParams(shape, 0),
    buffers: [buffers.signedSamples, buffers.runs, buffers.weights, buffers.velocity],
    workgroupCount: Math.ceil(R / ELEMENTWISE_WORKGROUP_SIZE),
  });
  return new LinearLogisticRun(gpu, shape, kernel, stepsPerDispatch);
}

/** Runs that own their buffers: advance with `run.run(T)`, read w and v as often as wanted. */
export interface LinearLogisticSession {
  readonly run: LinearLogisticRun;
  read(): Promise<{ weights: Float32Array; velocity: Float32Array }>;
  /** Replaces w and v [R x d] and the step counter (a checkpoint restored). */
  write(state: { weights: ArrayLike<number>; velocity: ArrayLike<number> }, stepsTaken: number): void;
  /** Replaces every run's settings from the next step on (a new learning rate). */
  setRuns(runs: readonly LinearRunSettings[]): void;
  destroy(): void;
}

export interface LinearLogisticInputs {
  /** s_i = y_i x_i, [n x d]. */
  readonly signedSamples: ArrayLike<number>;
  readonly dim: number;
  readonly runs: readonly LinearRunSettings[];
  /** w0 [R x d]. */
  readonly initialWeights: ArrayLike<number>;
  readonly stepsPerDispatch?: number;
}

/** Uploads samples, settings and w0 (v0 = 0) after checking every argument, and binds the run. */
export async function createLinearLogisticSession(gpu: GpuContext, inputs: LinearLogisticInputs): Promise<LinearLogisticSession> {
  const { dim: d, runs } = inputs;
  checkSize(NAME, 'dim', d);
  checkSize(NAME, 'runs.length', runs.length);
  const n = inputs.signedSamples.length / d;
  if (!Number.isInteger(n) || n < 1) throw new KernelArgumentError(NAME, 'signedSamples', `has ${inputs.signedSamples.length} values, not a positive multiple of d = ${d}`);
  const shape = { sampleCount: n, dim: d, runCount: runs.length };
  checkShape(shape);
  const samples = Float32Array.from(inputs.signedSamples);
  checkFinite(NAME, 'signedSamples (as float32)', samples);
  checkLength(NAME, 'initialWeights', inputs.initialWeights, runs.length * d, `[${runs.length} x ${d}]`);
  const w0 = Float32Array.from(inputs.initialWeights);
  checkFinite(NAME, 'initialWeights (as float32)', w0);
  const settings = packRunSettings(runs);
  checkBufferSize(gpu, 'signedSamples', samples.byteLength, NAME);
  checkBufferSize(gpu, 'weights', w0.byteLength, NAME);
  const owned: LinearLogisticBuffers = {
    signedSamples: createStorageBuffer(gpu, `${NAME}/signedSamples`, samples),
    runs: createStorageBuffer(gpu, `${NAME}/runs`, settings),
    weights: createStorageBuffer(gpu, `${NAME}/weights`, w0),
    velocity: createStorageBuffer(gpu, `${NAME}/velocity`, w0.byteLength),
  };
  const free = () => Object.values(owned).forEach((buffer: GPUBuffer) => buffer.destroy());
  let run: LinearLogisticRun;
  try {
    run = await bindLinearLogisticRun(gpu, shape, owned, inputs.stepsPerDispatch);
  } catch (error) {
    free();
    throw error;
  }
  return {
    run,
    async read() {
      const [weights, velocity] = await Promise.all([readFloat32(gpu, owned.weights, runs.length * d), readFloat32(gpu, owned.velocity, runs.length * d)]);
      return { weights, velocity };
    },
    write(state, stepsTaken) {
      for (const name of ['weights', 'velocity'] as const) {
        const values = Float32Array.from(state[name]);
        checkLength(NAME, name, values, runs.length * d, `[${runs.length} x ${d}]`);
        checkFinite(NAME, `${name} (as float32)`, values);
        gpu.device.queue.writeBuffer(owned[name], 0, values);
      }
      checkStepCount(stepsTaken);
      run.stepsTaken = stepsTaken;
    },
    setRuns(next) {
      if (next.length !== runs.length) throw new KernelArgumentError(NAME, 'runs', `has ${next.length} entries; this session holds ${runs.length} runs`);
      gpu.device.queue.writeBuffer(owned.runs, 0, packRunSettings(next));
    },
    destroy() {
      run.destroy();
      free();
    },
  };
}

function checkStepCount(stepsTaken: number): void {
  if (!Number.isInteger(stepsTaken) || stepsTaken < 0) throw new KernelArgumentError(NAME, 'stepsTaken', `must be an integer >= 0, got ${stepsTaken}`);
}
