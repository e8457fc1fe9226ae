/**
 * What a BatchedTrainer is given, and its checks: the batch's shared part (BatchedTrainerConfig) with networks
 * that may each set their own scaling, alpha, trainable parts and initial weights (the members of a run set,
 * each the network its own single run would train). Everything is checked before any allocation.
 */
import type { GpuContext } from '../../gpu/device';
import { KernelArgumentError } from '../../core/errors';
import { checkFinite, checkLength, checkSize } from '../../gpu/validate';
import { checkBatchShape, entrySettings, networkTable } from '../../kernels/two-layer-batch';
import type { BatchSettings, BatchShape, BatchedNetworkSpec, BatchedTrainerConfig } from '../../core/batched-network';
import { combinedOutputScale } from '../../core/conventions';
import { initialWeights } from '../../core/initialization';
import type { TrainingSet, TwoLayerWeights } from '../../core/network';
import { MULTI_STEP_MAX_INPUT_DIM, multiStepProblem, STEP_KERNELS, type StepKernel } from '../../core/step-kernels';

/** One network of a batch: seed, width and rate, and optionally its own settings and starting point. */
export interface BatchedTrainerNetwork extends BatchedNetworkSpec, Partial<BatchSettings> {
  /** Its initial weights at its own width (a [m_k], W [m_k x d], b [m_k] with a bias); default initialWeights of its seed. */
  readonly init?: TwoLayerWeights;
}

/** BatchedTrainerConfig whose networks may set their own scaling, alpha, trainable parts and init. */
export interface BatchedTrainerOptions extends Omit<BatchedTrainerConfig, 'networks'> {
  readonly networks: readonly BatchedTrainerNetwork[];
  /**
   * How the steps are dispatched: 'unfused' (default) the batched kernel families one after another, one
   * set of dispatches per step; 'multi-step' up to stepsPerDispatch whole steps of all N networks in one
   * dispatch of train_steps, one workgroup per network (d <= MULTI_STEP_MAX_INPUT_DIM, d + 1 with a bias).
   */
  readonly stepKernel?: StepKernel;
  /** The multi-step kernel's steps per dispatch (default MULTI_STEP_DISPATCH_STEPS). */
  readonly stepsPerDispatch?: number;
}

const UINT32_RANGE = 2 ** 32;

/** Checks the configuration and data (before any allocation); returns the batch shape. */
export function checkBatchedConfig(gpu: GpuContext, name: string, config: BatchedTrainerOptions, data: TrainingSet | readonly TrainingSet[]): BatchShape {
  const { networks, inputDim: d, sampleCount: n } = config;
  if (!Array.isArray(networks) || networks.length === 0) throw new KernelArgumentError(name, 'networks', 'is empty; a batch needs at least one network');
  for (const key of ['inputDim', 'sampleCount'] as const) checkSize(name, key, config[key]);
  networks.forEach(({ seed, width, learningRate }, k) => {
    if (!Number.isInteger(seed) || seed < 0 || seed >= UINT32_RANGE) throw new KernelArgumentError(name, `networks[${k}].seed`, `must be a u32 integer, got ${seed}`);
    checkSize(name, `networks[${k}].width`, width);
    if (!Number.isFinite(learningRate) || learningRate < 0) throw new KernelArgumentError(name, `networks[${k}].learningRate`, `must be finite and >= 0, got ${learningRate}`);
  });
  const widest = networks.reduce((largest, network) => Math.max(largest, network.width), 0);
  const maxWidth = config.maxWidth ?? widest;
  checkSize(name, 'maxWidth', maxWidth);
  if (widest > maxWidth) {
    const k = networks.findIndex((network) => network.width > maxWidth);
    throw new KernelArgumentError(name, `networks[${k}].width`, `is ${networks[k]!.width}, over maxWidth = ${maxWidth}; raise maxWidth or leave it out`);
  }
  if (config.maxStepsPerSubmit !== undefined) checkSize(name, 'maxStepsPerSubmit', config.maxStepsPerSubmit);
  checkStepKernel(name, config);
  const sets = Array.isArray(data) ? (data as readonly TrainingSet[]) : [data as TrainingSet];
  if (Array.isArray(data) && sets.length !== networks.length) {
    throw new KernelArgumentError(name, 'data', `holds ${sets.length} data sets for ${networks.length} networks; give one per network, or one shared set (not in an array)`);
  }
  sets.forEach((set, k) => {
    const which = Array.isArray(data) ? `data[${k}]` : 'data';
    checkLength(name, `${which}.X`, set.X, n * d, `[${n} x ${d}]`);
    checkLength(name, `${which}.y`, set.y, n, `[${n}]`);
    checkFinite(name, `${which}.X`, set.X);
    checkFinite(name, `${which}.y`, set.y);
  });
  const shape: BatchShape = { networkCount: networks.length, sampleCount: n, maxWidth, inputDim: d, hasBias: config.hasBias };
  checkBatchShape(gpu, name, shape);
  networks.forEach((network, k) => {
    if (network.init) checkNetworkWeights(name, `networks[${k}].init`, network.init, network.width, shape);
  });
  // Validates widths, rates, scalings and alphas against float32 before anything is created.
  networkTable(shape, config, networks, name);
  return shape;
}

/**
 * Throws unless the batch can run on its stepKernel: 'unfused' or 'multi-step', whose kernel holds a row of
 * R = d (+ 1 for the bias column) inputs in registers, so R <= MULTI_STEP_MAX_INPUT_DIM; stepsPerDispatch a size.
 */
function checkStepKernel(name: string, config: BatchedTrainerOptions): void {
  const kernel = config.stepKernel ?? 'unfused';
  if (!STEP_KERNELS.includes(kernel)) throw new KernelArgumentError(name, 'stepKernel', `is '${String(kernel)}'; must be one of ${STEP_KERNELS.map((k) => `'${k}'`).join(', ')}`);
  if (config.stepsPerDispatch !== undefined) checkSize(name, 'stepsPerDispatch', config.stepsPerDispatch);
  if (kernel !== 'multi-step') return;
  const problem = multiStepProblem({ inputDim: config.inputDim });
  if (problem) throw new KernelArgumentError(name, 'stepKernel', `is 'multi-step', but the multi-step kernel ${problem}`);
  if (config.hasBias && config.inputDim + 1 > MULTI_STEP_MAX_INPUT_DIM) {
    throw new KernelArgumentError(name, 'stepKernel', `is 'multi-step', but the multi-step kernel takes d + 1 <= ${MULTI_STEP_MAX_INPUT_DIM} in a batch with a bias (the bias is an input column); d = ${config.inputDim} with a bias needs the unfused step`);
  }
}

/** Throws unless `weights` are one network's parameters at width m: a [m], W [m x d], b [m] exactly with a bias. */
export function checkNetworkWeights(name: string, argument: string, weights: TwoLayerWeights, width: number, shape: BatchShape): void {
  const d = shape.inputDim;
  checkLength(name, `${argument}.a`, weights.a, width, `[${width}]`);
  checkLength(name, `${argument}.W`, weights.W, width * d, `[${width} x ${d}]`);
  if ((weights.b !== undefined) !== shape.hasBias) throw new KernelArgumentError(name, `${argument}.b`, shape.hasBias ? 'is required when hasBias is set' : 'is given but hasBias is not set');
  if (weights.b) checkLength(name, `${argument}.b`, weights.b, width, `[${width}]`);
  for (const [part, values] of Object.entries(weights)) if (values) checkFinite(name, `${argument}.${part}`, values as Float32Array);
}

/** Each network's initial weights: its own init, or initialWeights of its seed at its width. */
export function initialNetworks(config: BatchedTrainerOptions, shape: BatchShape): TwoLayerWeights[] {
  const { inputDim, hasBias } = shape;
  return config.networks.map(({ seed, width, init }) => init ?? initialWeights({ seed, width, inputDim, hasBias }));
}

/** Network k's scaling, alpha and trainable parts: its own, else the batch's. */
export function settingsOf(config: BatchedTrainerOptions, k: number): BatchSettings {
  return entrySettings(config, config.networks[k]!);
}

/** Whether some network trains its first layer: only then is dL/dW computed (the 'relu-grad' matmul). */
export function trainsFirstLayer(config: BatchedTrainerOptions): boolean {
  return config.networks.some((_, k) => settingsOf(config, k).trainable !== 'second');
}

/** alpha s_{m_k} of each network from its own scaling and alpha, float32 [N]: what the 'relu-grad' matmul reads. */
export function outputScales(config: BatchedTrainerOptions): Float32Array {
  return Float32Array.from(config.networks, ({ width }, k) => combinedOutputScale({ ...settingsOf(config, k), width }));
}
