/**
 * GradFlow's contender for the interleaver, in Node and in the bench page alike: a TwoLayerTrainer on the
 * bench problem with a given step kernel ('auto' by default: what a user's run gets), whose row names the
 * kernel the trainer resolved. A round of more steps than one submit holds is submitted in chunks of
 * maxStepsPerSubmit without waiting in between, as the run scheduler does (two chunks in flight).
 */
import type { GpuContext } from '../src/gpu/device';
import type { MatmulSetting } from '../src/core/matmul-algorithms';
import type { StepKernelSetting } from '../src/core/step-kernels';
import { TwoLayerTrainer } from '../src/models/two-layer/trainer';
import { resolveStepKernel } from '../src/models/two-layer/step-choice';
import { autotuneStepKernel, STEP_TUNE_SIZE } from '../src/models/two-layer/step-autotune';
import type { Contender, Trainable } from './interleave';
import { benchConfig, benchProblem, type StepSize } from './training-step';

export interface GradflowContenderOptions {
  /** The row's backend name (default 'gradflow-gpu'). */
  readonly name?: string;
  readonly matmulAlgorithm: MatmulSetting;
  /** Default 'auto'. */
  readonly stepKernel?: StepKernelSetting;
}

export function gradflowContender(gpu: GpuContext, size: StepSize, options: GradflowContenderOptions): Contender {
  const { config, init, data } = benchProblem(size);
  return {
    name: options.name ?? 'gradflow-gpu',
    create: async () => {
      const trainer = await TwoLayerTrainer.create(gpu, { ...config, matmulAlgorithm: options.matmulAlgorithm, stepKernel: options.stepKernel ?? 'auto' }, init, data);
      return chunkedTrainable(trainer);
    },
  };
}

function chunkedTrainable(trainer: TwoLayerTrainer): Trainable {
  const perSubmit = trainer.config.maxStepsPerSubmit;
  return {
    kernel: trainer.stepKernel,
    async train(steps: number) {
      const chunks: Promise<Float32Array>[] = [];
      for (let done = 0; done < steps; done += perSubmit) chunks.push(trainer.train(Math.min(perSubmit, steps - done)));
      await Promise.all(chunks);
    },
    dispose: () => trainer.destroy(),
  };
}

/**
 * Settles this process's (or page's) answer of stepKernel 'auto' for small steps before anything is timed: a
 * stored decision if there is one (what a user's run gets), else timed now ('ignore' the shipped prior), so no
 * prior's check is scheduled to run later, in the middle of a measurement. Returns what 'auto' picks at `size`
 * (a small one, or the answer is 'unfused' without asking the adapter), as a line with the tune's timings.
 */
export async function settleAutoStepKernel(gpu: GpuContext, size: StepSize, matmulAlgorithm: MatmulSetting): Promise<string> {
  const config = { ...benchConfig(size), matmulAlgorithm, stepKernel: 'auto' as const, batchSize: size.sampleCount };
  const kernel = await resolveStepKernel(gpu, config);
  // Both kernels timed at the tuning size (remembered or timed now), for the report; on SwiftShader 'auto' takes a shipped, untimed answer.
  const tune = await autotuneStepKernel(gpu);
  const { width: m, sampleCount: n, inputDim: d } = STEP_TUNE_SIZE;
  const times = Object.entries(tune.timesMs).map(([k, ms]) => `${k} ${ms.toFixed(1)} ms`).join(', ');
  return `stepKernel 'auto' at (${size.width}, ${size.sampleCount}, ${size.inputDim}): ${kernel} (the adapter's small-step autotune, remembered or timed now: ${times || 'no timings'} per submit at (${m}, ${n}, ${d}))`;
}
