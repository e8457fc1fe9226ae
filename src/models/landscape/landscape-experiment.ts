/**
 * Experiments on toy landscapes (docs/science.md sections 4 and 7): P particles, each one optimizer run,
 * advanced in chunks with metrics over the population at every logged step. GPU: one session whose
 * particles stay on the device; reference: the float64 twin re-run to each logged step.
 */
import type { LandscapeModel } from '../../config/model-kinds';
import type { GpuContext } from '../../gpu/device';
import { createLandscapeSession } from '../../kernels/landscapes';
import { landscapeDimOf, landscapeStartPoints, type LandscapeSpec } from '../../core/landscape';
import { simulateLandscape } from '../../float64/landscapes';
import type { MetricsRow, ProgressEvent } from '../../run/scheduler';
import type { MetricValues } from '../../core/simulation';

export interface PopulationState {
  /** [P x k]. */
  readonly positions: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  readonly exitStep: ArrayLike<number>;
  readonly logGrowth: ArrayLike<number>;
}

export function startPoints(model: LandscapeModel): Float32Array {
  const spec = model.spec;
  const k = landscapeDimOf(spec);
  if ('points' in model.start) {
    const rows = model.start.points;
    if (rows.length !== spec.particleCount) throw new RangeError(`model.start.points has ${rows.length} rows, spec.particleCount is ${spec.particleCount}`);
    const bad = rows.findIndex((row) => row.length !== k);
    if (bad >= 0) throw new RangeError(`model.start.points[${bad}] has ${rows[bad]!.length} coordinates, the landscape has ${k}`);
    return Float32Array.from(rows.flat());
  }
  if ('point' in model.start) {
    if (model.start.point.length !== k) throw new RangeError(`model.start.point has ${model.start.point.length} coordinates, the landscape has ${k}`);
    const point = model.start.point;
    return Float32Array.from({ length: spec.particleCount * k }, (_, e) => point[e % k]!);
  }
  return landscapeStartPoints(spec.particleCount, model.start.low, model.start.high, spec.seed);
}

/** E f, E |x|^2, the escaped fraction, the mean log-growth per step and the fraction near the target. */
export function populationMetrics(model: LandscapeModel, state: PopulationState, step: number, names: readonly string[]): MetricValues {
  const k = landscapeDimOf(model.spec);
  const P = model.spec.particleCount;
  let value = 0;
  let squared = 0;
  let escaped = 0;
  let growth = 0;
  let near = 0;
  for (let p = 0; p < P; p++) {
    value += state.value[p]!;
    let norm = 0;
    let distance = 0;
    for (let c = 0; c < k; c++) {
      const x = state.positions[p * k + c]!;
      norm += x * x;
      distance += (x - (model.target?.[c] ?? 0)) ** 2;
    }
    squared += norm;
    if (state.exitStep[p]! >= 0) escaped++;
    growth += state.logGrowth[p]!;
    if (Math.sqrt(distance) < model.targetRadius) near++;
  }
  const all: MetricValues = {
    meanValue: value / P,
    meanSquaredNorm: squared / P,
    escapedFraction: escaped / P,
    lyapunovEstimate: step > 0 ? growth / P / step : NaN,
    nearTargetFraction: model.target ? near / P : NaN,
  };
  const values: MetricValues = {};
  for (const name of names) if (name in all) values[name] = all[name]!;
  return values;
}

export interface LandscapeRunOptions {
  readonly steps: number;
  readonly metricsEvery: number;
  readonly metricNames: readonly string[];
  readonly backend: 'gpu' | 'float64';
  readonly getGpu: () => Promise<GpuContext>;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface LandscapeOutcome {
  readonly rows: MetricsRow[];
  readonly device: string;
}

export async function runLandscapeModel(model: LandscapeModel, options: LandscapeRunOptions): Promise<LandscapeOutcome> {
  const x0 = startPoints(model);
  const logSteps = Array.from({ length: Math.floor(options.steps / options.metricsEvery) + 1 }, (_, i) => i * options.metricsEvery);
  if (logSteps.at(-1) !== options.steps) logSteps.push(options.steps);
  const rows: MetricsRow[] = [];
  const started = performance.now();
  const report = (step: number) => {
    const stepsPerSecond = step / Math.max((performance.now() - started) / 1000, 1e-9);
    options.onProgress?.({ step, totalSteps: options.steps, stepsPerSecond, etaSeconds: (options.steps - step) / Math.max(stepsPerSecond, 1e-9), loss: rows.at(-1)?.meanValue ?? NaN });
  };
  if (options.backend === 'float64') {
    for (const step of logSteps) {
      rows.push({ step, ...populationMetrics(model, simulateLandscape(model.spec as LandscapeSpec, x0, step), step, options.metricNames) });
      report(step);
    }
    return { rows, device: 'float64 reference on the CPU' };
  }
  const gpu = await options.getGpu();
  const session = await createLandscapeSession(gpu, model.spec, x0);
  try {
    let taken = 0;
    for (const step of logSteps) {
      await session.run.run(step - taken);
      taken = step;
      rows.push({ step, ...populationMetrics(model, await session.read(), step, options.metricNames) });
      report(step);
    }
  } finally {
    session.destroy();
  }
  return { rows, device: gpu.adapterDescription };
}
