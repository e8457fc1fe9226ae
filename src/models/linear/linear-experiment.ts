/**
 * Linear logistic regression f(x) = <w, x> without bias on the configured data (docs/science.md section 6):
 * the `linear` model kind. One run from w0 = 0 with the configured rule (gd, momentum, or
 * normalized-gd by the loss, in the log domain); metrics in float64 on the host from w read back at
 * the logged steps, which are log-spaced by default (the rates are power laws or logs in t).
 * Inputs are scaled by 1 / max_i |x_i| when some |x_i| > 1, so |x_i| <= 1 as the theory assumes.
 */
import type { ExperimentConfig } from '../../config/schema';
import type { LinearModel } from '../../config/model-kinds';
import { ConfigError } from '../../config/errors';
import { createDataset } from '../../data/create';
import type { Dataset } from '../../core/dataset';
import type { GpuContext } from '../../gpu/device';
import { createLinearLogisticSession } from '../../kernels/linear-logistic';
import { linearMargin, maxMarginDirection } from '../../metrics/margin';
import { linearStep, logLoss } from '../../float64/linear-logistic';
import { type LinearRunSettings } from '../../core/linear-run';
import type { MetricsRow, ProgressEvent } from '../../run/scheduler';
import type { ExperimentResult, RunOptions } from '../../run/run-experiment';

/** The logged steps 0 = t_0 < t_1 < ... < t_K = steps. */
export function linearLogSteps(model: LinearModel, steps: number, every: number): number[] {
  const logged = new Set<number>([0, steps]);
  if (model.logging === 'every') for (let t = every; t < steps; t += every) logged.add(t);
  else for (let k = 0; 10 ** (k / model.pointsPerDecade) < steps; k++) logged.add(Math.round(10 ** (k / model.pointsPerDecade)));
  return [...logged].sort((a, b) => a - b);
}

/** The run's settings from optimizer.rule; rules without a linear form are a ConfigError. */
export function linearRunSettings(config: ExperimentConfig): LinearRunSettings {
  const { optimizer } = config;
  const unsupported = (field: string, why: string) => new ConfigError([`${field}: ${why} (a linear model supports gd, momentum and normalized-gd by the loss, full batch, constant rate)`]);
  if (optimizer.schedule) throw unsupported('optimizer.schedule', 'not supported for a linear model');
  if (optimizer.jko) throw unsupported('optimizer.jko', 'not supported for a linear model');
  if (optimizer.batchSize !== undefined) throw unsupported('optimizer.batchSize', 'not supported for a linear model');
  if (config.online) throw unsupported('online', 'not supported for a linear model');
  if (config.loss !== 'logistic') throw unsupported('loss', `is '${config.loss}'; the linear model trains the logistic loss`);
  const rule = optimizer.rule;
  const learningRate = optimizer.learningRate;
  if (rule.kind === 'gd') return { rule: 'gd', learningRate, momentum: 0 };
  if (rule.kind === 'momentum') return { rule: 'gd', learningRate, momentum: rule.beta };
  if (rule.kind === 'normalized-gd' && rule.normalizer === 'loss') return { rule: 'normalized-gd', learningRate, momentum: 0 };
  throw unsupported('optimizer.rule', `'${rule.kind}'${rule.kind === 'normalized-gd' ? ` with normalizer '${rule.normalizer}'` : ''} is not supported`);
}

/** X scaled so max |x_i| <= 1, and s_i = y_i x_i; labels must be -1 or +1. */
export function linearTrainingSet(train: Dataset): { X: Float64Array; y: Float32Array; signedSamples: Float64Array } {
  const { inputDim: d, sampleCount: n } = train;
  const bad = train.y.findIndex((v) => v !== 1 && v !== -1);
  if (bad >= 0) throw new ConfigError([`data: label y[${bad}] is ${train.y[bad]}; the linear model needs labels -1 or +1 (separable classification data)`]);
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.hypot(...train.X.subarray(i * d, (i + 1) * d)));
  const scale = largest > 1 ? 1 / largest : 1;
  const X = Float64Array.from(train.X, (v) => v * scale);
  const signedSamples = Float64Array.from(X, (v, e) => v * train.y[Math.floor(e / d)]!);
  return { X, y: train.y, signedSamples };
}

async function loadTrain(config: ExperimentConfig, options: RunOptions): Promise<Dataset> {
  const data = config.data;
  if (data.kind === 'digits' || data.kind === 'csv') {
    if (!options.readText) throw new ConfigError([`data.path: ${data.kind} data needs a file reader`]);
    const text = await options.readText(data.path);
    return createDataset(data, { readText: () => text }).train;
  }
  return createDataset(data).train;
}

export async function runLinearExperiment(config: ExperimentConfig, model: LinearModel, getGpu: () => Promise<GpuContext>, options: RunOptions): Promise<ExperimentResult> {
  const started = performance.now();
  const settings = linearRunSettings(config);
  const train = linearTrainingSet(await loadTrain(config, options));
  const d = train.X.length / train.y.length;
  const names = config.metrics.names;
  const maxMargin = names.includes('marginGap') ? maxMarginDirection(train.X, train.y, d).margin : NaN;
  const metricsAt = (step: number, w: ArrayLike<number>): MetricsRow => {
    const all: Record<string, () => number> = {
      loss: () => Math.exp(logLoss(w, train.signedSamples, d)),
      logLoss: () => logLoss(w, train.signedSamples, d),
      margin: () => (w.length > 0 && Array.from(w).some((v) => v !== 0) ? linearMargin(w, train.X, train.y) : NaN),
      marginGap: () => maxMargin - all.margin!(),
      weightNorm: () => Math.hypot(...Array.from(w)),
    };
    const row: MetricsRow = { step };
    for (const name of names) if (all[name]) row[name] = all[name]();
    return row;
  };
  const steps = linearLogSteps(model, config.steps, config.metrics.every);
  const rows: MetricsRow[] = [];
  const report = (step: number) => {
    const stepsPerSecond = step / Math.max((performance.now() - started) / 1000, 1e-9);
    const event: ProgressEvent = { step, totalSteps: config.steps, stepsPerSecond, etaSeconds: (config.steps - step) / Math.max(stepsPerSecond, 1e-9), loss: rows.at(-1)?.loss ?? NaN, firstStep: step, losses: [] };
    options.onProgress?.(event);
  };
  let device = 'float64 reference on the CPU';
  if (config.backend === 'float64') {
    const state = { weights: new Float64Array(d), velocity: new Float64Array(d) };
    let taken = 0;
    for (const step of steps) {
      for (; taken < step; taken++) linearStep(state, train.signedSamples, settings);
      rows.push(metricsAt(step, state.weights));
      options.onMetrics?.(rows.at(-1)!);
      report(step);
    }
  } else {
    const gpu = await getGpu();
    device = gpu.adapterDescription;
    const session = await createLinearLogisticSession(gpu, { signedSamples: train.signedSamples, dim: d, runs: [settings], initialWeights: new Float32Array(d), stepsPerDispatch: model.stepsPerDispatch });
    try {
      let taken = 0;
      for (const step of steps) {
        await session.run.run(step - taken);
        taken = step;
        rows.push(metricsAt(step, (await session.read()).weights));
        options.onMetrics?.(rows.at(-1)!);
        report(step);
      }
    } finally {
      session.destroy();
    }
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const finalLoss = rows.at(-1)?.loss ?? NaN;
  return {
    config,
    metrics: rows,
    stepLosses: [],
    summary: {
      backend: config.backend,
      device,
      stepsTaken: config.steps,
      finalLoss,
      diverged: false,
      status: 'completed',
      wallSeconds,
      stepsPerSecond: config.steps / Math.max(wallSeconds, 1e-9),
      events: [],
    },
  };
}
