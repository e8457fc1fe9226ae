/**
 * How a two-layer training step is dispatched, as configs (`kernels.step`) and the autotuner name it:
 *
 *   'unfused'     the step's kernel families one after another, about eight dispatches and uniform
 *                 copies per step, each dispatch spread over the whole device (any size, every rule)
 *   'multi-step'  K whole steps in one dispatch of one workgroup (shaders/two-layer-steps.wgsl.ts):
 *                 no per-step dispatch cost, but one workgroup's threads do all the arithmetic, so it
 *                 wins on small networks and loses on large ones
 *
 * 'auto' takes the unfused step for a large network (stepWork over MULTI_STEP_MAX_WORK) or one the
 * multi-step kernel cannot run (multiStepProblem says why); for a small one it takes the adapter's winner
 * (src/models/two-layer/step-autotune.ts), timed once per adapter and remembered like the matmul variant.
 */

export const STEP_KERNELS = ['unfused', 'multi-step'] as const;
export type StepKernel = (typeof STEP_KERNELS)[number];

export const STEP_KERNEL_SETTINGS = ['auto', ...STEP_KERNELS] as const;
export type StepKernelSetting = (typeof STEP_KERNEL_SETTINGS)[number];

/** Widest input the multi-step kernel compiles: a row of W and a sample x_i live in private arrays of d floats. */
export const MULTI_STEP_MAX_INPUT_DIM = 64;

/**
 * Steps in one multi-step dispatch by default: a chunk of the default 64 steps per submit is one dispatch. A
 * longer dispatch saves nothing measurable and risks an operating system's GPU watchdog on a large network.
 */
export const MULTI_STEP_DISPATCH_STEPS = 64;

/** The parts of a run that decide whether the multi-step kernel can train it. */
export interface MultiStepSettings {
  readonly inputDim: number;
  readonly optimizer?: { readonly kind: string };
  readonly jko?: unknown;
  readonly online?: unknown;
  readonly sphere?: boolean;
}

/**
 * Why the multi-step kernel cannot train this run, or undefined when it can. It runs plain GD (full batch
 * or minibatches from the uniform sampler, with or without replacement), under a schedule or not, with any
 * loss, scaling, bias, centering and frozen layer. Optimizer rules keep state or take norms over all the
 * parameters (one more reduction per step), which it does not carry; the others below are not written.
 */
export function multiStepProblem(settings: MultiStepSettings): string | undefined {
  const rule = settings.optimizer?.kind ?? 'gd';
  if (rule !== 'gd') return `runs plain GD only; optimizer rule '${rule}' needs the unfused step`;
  if (settings.jko) return 'runs explicit steps only; JKO steps need the unfused step';
  if (settings.online) return 'draws minibatches from the train set only; online samples need the unfused step';
  if (settings.sphere) return 'has no sphere retraction; model.sphere needs the unfused step';
  if (settings.inputDim > MULTI_STEP_MAX_INPUT_DIM) return `takes d <= ${MULTI_STEP_MAX_INPUT_DIM}; d = ${settings.inputDim} needs the unfused step`;
  return undefined;
}

/**
 * Multiply-adds of one forward pass, B m (d + 1) (the bias counted as an input): the backward pass costs
 * about twice that, in either kernel. Past MULTI_STEP_MAX_WORK one workgroup's threads take longer than the
 * unfused step's dispatches, whose fixed cost is what the multi-step kernel saves.
 */
export function stepWork(settings: { readonly width: number; readonly inputDim: number; readonly batchSize: number; readonly hasBias: boolean }): number {
  return settings.batchSize * settings.width * (settings.inputDim + (settings.hasBias ? 1 : 0));
}

/**
 * The largest step 'auto' may give the multi-step kernel. SwiftShader, Node, 2 cores (multi-step against
 * unfused, ms per step): (2048, 128, 2) with a bias, 786k: 10.5 against 16.4; (256, 256, 16), 1.1M: 6.5
 * against 8.6; (256, 512, 32), 4.3M: 28.6 against 17.8; (512, 512, 16), 4.4M: 43.4 against 30.6. On a
 * hardware GPU the unfused step's eight dispatches cost 100-250 us, about what one workgroup of 64 threads
 * needs for 2M multiply-adds forward and backward, so the limit sits near the same place.
 */
export const MULTI_STEP_MAX_WORK = 2_000_000;

/**
 * What 'auto' does with these settings without asking the adapter: 'unfused' when the multi-step kernel cannot
 * run them or the step is too large for it, else 'ask' (the adapter's small-step winner decides). One answer
 * for every run of the same shape, so runs that share a lane of a run set decide alike.
 */
export function autoStepKernel(settings: MultiStepSettings & Parameters<typeof stepWork>[0]): 'unfused' | 'ask' {
  return multiStepProblem(settings) === undefined && stepWork(settings) <= MULTI_STEP_MAX_WORK ? 'ask' : 'unfused';
}
