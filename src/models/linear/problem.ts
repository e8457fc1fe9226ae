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
import { loadDataset } from '../../data/create';
import type { Dataset } from '../../core/dataset';
import type { ReadText } from '../../data/create';
import type { HostArray } from '../../core/simulation';
import { type LinearRunSettings } from '../../core/linear-run';

/** The train set as the linear model reads it: X scaled so max |x_i| <= 1, y in {-1, +1}, and s_i = y_i x_i. */
export type LinearTrainingSet = ReturnType<typeof linearTrainingSet>;

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
export function linearTrainingSet(train: Dataset): { X: Float64Array; y: Float32Array; signedSamples: Float64Array; dim: number } {
  const { inputDim: d, sampleCount: n } = train;
  const bad = train.y.findIndex((v) => v !== 1 && v !== -1);
  if (bad >= 0) throw new ConfigError([`data: label y[${bad}] is ${train.y[bad]}; the linear model needs labels -1 or +1 (separable classification data)`]);
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.hypot(...train.X.subarray(i * d, (i + 1) * d)));
  const scale = largest > 1 ? 1 / largest : 1;
  const X = Float64Array.from(train.X, (v) => v * scale);
  const signedSamples = Float64Array.from(X, (v, e) => v * train.y[Math.floor(e / d)]!);
  return { X, y: train.y, signedSamples, dim: d };
}

/** The configured train set (file kinds read through `readText`; a csv's test file is read and checked too, though unused). */
export async function loadTrain(config: ExperimentConfig, readText: ReadText | undefined): Promise<Dataset> {
  return (await loadDataset(config.data, readText)).train;
}

/** The linear model's parameters: w [d]. */
export interface LinearWeights {
  readonly w: HostArray;
}
