/** From a validated config to the arrays a backend needs: trainer settings, initial weights, data. */
import { multiStepProblem } from '../../core/step-kernels';
import type { ExperimentConfig } from '../../config/schema';
import { ConfigError } from '../../config/errors';
import type { W2Target } from '../../config/w2-target';
import type { LanczosOptions } from '../../core/lanczos';
import { loadDataset, type ReadText } from '../../data/create';
import type { TargetFunction } from '../../core/dataset';
import { onlineSpecFor } from '../../data/online';
import { initialWeights } from '../../core/initialization';
import { normalizeRows } from '../../float64/particles';
import type { TrainingSet, TwoLayerTrainerConfig, TwoLayerWeights } from '../../core/network';
import { parseInitFile } from './init-file';
import { checkDeclaredLabels, checkLabels, checkMetricRequirements } from './input-checks';


export interface Problem {
  /** The W2 target of the w2ToTarget metric, when the config names one. */
  readonly w2?: W2Target;
  /** Lanczos settings of the sharpness metrics, when the config gives any (else LANCZOS_DEFAULTS). */
  readonly lanczos?: LanczosOptions;
  /** Mini-batches per batchSharpness value, when the config gives it (else DEFAULT_BATCH_SHARPNESS_BATCHES). */
  readonly batchSharpnessBatches?: number;
  readonly trainer: TwoLayerTrainerConfig;
  readonly init: TwoLayerWeights;
  readonly train: TrainingSet;
  readonly test?: TrainingSet;
  /** Teacher-student data: the target the labels came from (the app overlays the teacher's neurons). */
  readonly target?: TargetFunction;
}

export async function buildProblem(config: ExperimentConfig, readText?: ReadText): Promise<Problem> {
  const { model, optimizer } = config;
  if (model.kind !== 'two-layer') throw new ConfigError([`model.kind: a ${model.kind} model has no network problem (run it with runExperiment)`]);
  if (model.centered && config.online) {
    // f0 = f_theta0(x) of a fresh sample would need the initial network evaluated every step.
    throw new ConfigError(['model.centered: got true with online: true; a centered model trains on a fixed data set (set online to false, or model.centered to false)']);
  }
  checkDeclaredLabels(config);
  const { train, test, target } = await buildData(config, readText);
  checkLabels(config, { train, test });
  checkMetricRequirements(config, test !== undefined);
  const inputDim = train.X.length / train.y.length;
  // Checked before anything is drawn: the init's own checks would fail with a RangeError instead.
  if (model.init.directions && inputDim !== 2) {
    throw new ConfigError([`model.init.directions: von-mises draws on the unit circle and needs inputDim 2, the data have ${inputDim}`]);
  }
  const n = train.y.length;
  if (optimizer.batchSize !== undefined && optimizer.batchSize > n && !optimizer.withReplacement && !config.online) {
    throw new ConfigError([`optimizer.batchSize: got ${optimizer.batchSize}, over the ${n} training samples; lower it, or set optimizer.withReplacement: true`]);
  }
  const multiStep = config.kernels.step === 'multi-step' ? multiStepProblem({ inputDim, optimizer: optimizer.rule, ...(optimizer.jko ? { jko: optimizer.jko } : {}), online: config.online, sphere: model.sphere }) : undefined;
  if (multiStep) throw new ConfigError([`kernels.step: got "multi-step"; the multi-step kernel ${multiStep}; use 'auto' or 'unfused'`]);
  const trainer: TwoLayerTrainerConfig = {
    width: model.width,
    inputDim,
    sampleCount: train.y.length,
    scaling: model.scaling,
    loss: config.loss,
    alpha: model.alpha,
    centered: model.centered,
    hasBias: model.bias,
    trainable: model.trainable,
    learningRate: optimizer.learningRate,
    optimizer: optimizer.rule,
    ...(optimizer.schedule ? { schedule: optimizer.schedule } : {}),
    ...(optimizer.jko ? { jko: optimizer.jko } : {}),
    ...(optimizer.batchSize !== undefined ? { batchSize: optimizer.batchSize } : {}),
    withReplacement: optimizer.withReplacement,
    ...(model.sphere ? { sphere: true } : {}),
    seed: config.seed,
    maxStepsPerSubmit: config.stepsPerSubmit,
    matmulAlgorithm: config.kernels.matmul,
    stepKernel: config.kernels.step,
    ...(config.online ? { online: onlineSpecFor(config.data, optimizer.batchSize ?? train.y.length) } : {}),
  };
  let init = model.init.path
    ? parseInitFile(await required(readText, 'model.init.path')(model.init.path), model.width, inputDim, model.bias, model.init.path)
    : initialWeights({
        seed: config.seed, width: model.width, inputDim, hasBias: model.bias, aStd: model.init.aStd, wScale: model.init.wScale,
        ...(model.init.aValue !== undefined ? { aValue: model.init.aValue } : {}),
        ...(model.init.directions ? { directions: model.init.directions } : {}),
      });
  // The sphere constraint starts on the sphere: the first step's retraction would otherwise jump.
  if (model.sphere) init = { ...init, W: onSphere(init.W, inputDim) };
  const extras = {
    ...(config.metrics.w2 ? { w2: config.metrics.w2 } : {}),
    ...(config.metrics.lanczos ? { lanczos: config.metrics.lanczos } : {}),
    ...(config.metrics.batchSharpnessBatches !== undefined ? { batchSharpnessBatches: config.metrics.batchSharpnessBatches } : {}),
    ...(target ? { target } : {}),
  };
  return test ? { trainer, init, train, test, ...extras } : { trainer, init, train, ...extras };
}

/** W with unit rows (in float64, rounded once). */
function onSphere(W: Float32Array, inputDim: number): Float32Array {
  return Float32Array.from(normalizeRows(W, inputDim));
}

/** The train (and test) set of the config; file sources are read first, so the builders stay synchronous. */
async function buildData(config: ExperimentConfig, readText?: ReadText): Promise<{ train: TrainingSet; test?: TrainingSet; target?: TargetFunction }> {
  const split = await loadDataset(config.data, readText);
  const { X, y, target } = split.train;
  const sets = split.test ? { train: { X, y }, test: { X: split.test.X, y: split.test.y } } : { train: { X, y } };
  return target ? { ...sets, target } : sets;
}

function required(readText: ReadText | undefined, field: string): ReadText {
  if (!readText) throw new Error(`${field} names a file, but this environment gave no way to read files`);
  return readText;
}
