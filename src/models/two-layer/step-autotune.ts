/**
 * The adapter's winner for small steps: the unfused step or the multi-step kernel, timed once per adapter at
 * STEP_TUNE_SIZE by src/gpu/autotune.ts and remembered (as the matmul variant is), except where the answer is
 * shipped untimed (STEP_DECISIONS: SwiftShader). autotuneStepKernel always times (benchmarks report it).
 */
import { autotune, type AutotuneResult, type AutotuneStore, type CandidateRun } from '../../gpu/autotune';
import type { GpuContext } from '../../gpu/device';
import { onDeviceLost } from '../../gpu/device-loss';
import { DeviceLostError } from '../../core/simulation';
import { deterministicValues } from '../../core/deterministic-values';
import { STEP_KERNELS, type StepKernel } from '../../core/step-kernels';
import { createStorageBuffer } from '../../gpu/buffers';
import type { StepEncoder, TrainerBuffers } from './step-encoder';
import { bindMultiSteps } from './multi-steps';
import { bindUnfusedSteps } from './unfused-steps';

/** The representative small step: the (m, n, d) = (256, 256, 16), full-batch GD with a bias. */
export const STEP_TUNE_SIZE = { width: 256, sampleCount: 256, inputDim: 16 } as const;
/** Steps per timed submit: long enough that a submit's fixed cost does not decide (about 0.1 s on SwiftShader). */
const STEPS_PER_RUN = 16;
const DEFAULT_ROUNDS = 3;
/** Names the measurement in the cache: a new name when what is timed changes. */
export const STEP_TUNE_KERNEL = 'two-layer-step/small';

/**
 * Decisions that are not timed, by adapter description. SwiftShader (Node, 2 cores): on a quiet machine the
 * multi-step kernel is 1.3x faster at STEP_TUNE_SIZE (6.5 against 8.6 ms per step) and 1.6-3x at smaller
 * sizes; on a busy one the unfused step won a timing there (13.1 against 16.7 ms), since its dispatches use
 * both cores and the one workgroup only one. A timing would flip with the load, and the two kernels round
 * differently, so runs in two processes (a sweep and its --no-batch rerun) would differ in the last bits:
 * the quiet machine's answer stands, untimed.
 */
export const STEP_DECISIONS: readonly { readonly adapter: RegExp; readonly winner: StepKernel }[] = [{ adapter: /\bswiftshader\b/i, winner: 'multi-step' }];

/** The untimed decision for an adapter description, if any. */
export function stepDecision(adapter: string): StepKernel | undefined {
  return STEP_DECISIONS.find((entry) => entry.adapter.test(adapter))?.winner;
}

export interface StepTuneOptions {
  readonly store?: AutotuneStore;
  readonly rounds?: number;
}

export function autotuneStepKernel(gpu: GpuContext, options: StepTuneOptions = {}): Promise<AutotuneResult<StepKernel>> {
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const { width: m, sampleCount: n, inputDim: d } = STEP_TUNE_SIZE;
  return autotune({
    kernel: STEP_TUNE_KERNEL,
    adapter: gpu.adapterDescription,
    candidates: STEP_KERNELS,
    shape: `two-layer GD step (m, n, d) = (${m}, ${n}, ${d}) with a bias, ${STEPS_PER_RUN} steps per submit; least of ${rounds} interleaved submits after an untimed warm-up`,
    rounds,
    prepare: (kernel) => stepsRun(gpu, kernel),
    ...(options.store ? { store: options.store } : {}),
  });
}

/**
 * A chunk of STEPS_PER_RUN steps at STEP_TUNE_SIZE, encoded by `kernel`'s StepEncoder as the trainer encodes
 * it (the trainer itself would import this module back); each run() is one submit, timed to completion.
 */
async function stepsRun(gpu: GpuContext, kernel: StepKernel): Promise<CandidateRun> {
  const { width: m, sampleCount: n, inputDim: d } = STEP_TUNE_SIZE;
  const label = `autotune/${kernel}`;
  const buffer = (name: string, contents: number | Float32Array) => createStorageBuffer(gpu, `${label}/${name}`, contents);
  const buffers: TrainerBuffers = {
    X: buffer('X', deterministicValues(n * d, 4)), y: buffer('y', deterministicValues(n, 5)),
    a: buffer('a', deterministicValues(m, 1)), W: buffer('W', deterministicValues(m * d, 2)), b: buffer('b', deterministicValues(m, 3)),
    losses: buffer('losses', (STEPS_PER_RUN + 1) * 4),
  };
  const config = {
    width: m, inputDim: d, sampleCount: n, batchSize: n, scaling: 'mean-field', loss: 'square', hasBias: true, trainable: 'both',
    learningRate: 0.01, seed: 1, maxStepsPerSubmit: STEPS_PER_RUN, stepsPerDispatch: STEPS_PER_RUN,
  } as const;
  const destroyBuffers = () => Object.values(buffers).forEach((b: GPUBuffer | undefined) => b?.destroy());
  let steps: StepEncoder;
  try {
    steps = kernel === 'multi-step' ? await bindMultiSteps(gpu, config, buffers, label) : await bindUnfusedSteps(gpu, config, buffers, label);
  } catch (error) {
    destroyBuffers();
    throw error;
  }
  let lost = false;
  const stopWatching = onDeviceLost(gpu.device, () => (lost = true));
  return {
    async run() {
      const encoder = gpu.device.createCommandEncoder({ label });
      const tables = steps.encode(encoder, 0, STEPS_PER_RUN, config.learningRate);
      const commands = encoder.finish();
      // Drained first, so a check beside a training run times its own steps.
      await gpu.device.queue.onSubmittedWorkDone();
      const start = performance.now();
      gpu.device.queue.submit([commands]);
      await gpu.device.queue.onSubmittedWorkDone();
      const elapsedMs = performance.now() - start;
      tables.forEach((table) => table.destroy());
      if (lost) throw new DeviceLostError(`${label}: the device was lost while the step kernels were timed`);
      return elapsedMs;
    },
    destroy() {
      stopWatching();
      steps.destroy();
      destroyBuffers();
    },
  };
}
