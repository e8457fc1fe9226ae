/**
 * How a two-layer training step is dispatched, as configs (`kernels.step`) and the autotuner name it:
 *
 *   'unfused'     the step's kernel families one after another, about eight dispatches and uniform
 *                 copies per step, each dispatch spread over the whole device (any size, every rule)
 *   'multi-step'  K whole steps in one dispatch of one workgroup (shaders/two-layer-steps.wgsl.ts):
 *                 no per-step dispatch cost, but one workgroup's threads do all the arithmetic, so it
 *                 wins on small networks and loses on large ones
 *
 * 'auto' picks per adapter and size (src/kernels/step-autotune.ts) among the kernels that can run the
 * config; multiStepProblem says why the multi-step kernel cannot.
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
