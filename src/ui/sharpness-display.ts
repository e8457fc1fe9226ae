/**
 * How the app shows the sharpness: chart series whose values from a Lanczos run that stopped at its cap
 * are marked unconverged (drawn hollow and grey by gradflow-metric-chart), and the learning-rate warning
 * that compares lr with 2 / sharpness in the update rule's units (docs/science.md section 4).
 */
import type { ExperimentConfig } from '../config/schema';
import { unconvergedNote } from '../run/curvature-report';
import { particleTimeFactor, type Scaling } from '../core/conventions';
import type { MetricSeries } from './metric-chart-series';

/** Metrics whose values are the Lanczos estimate (so a row's sharpnessConverged = 0 applies to them). */
const SHARPNESS_VALUES: readonly string[] = ['sharpness', 'sharpnessParticleTime'];

/** 4 significant digits for moderate magnitudes, exponent form beyond. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toPrecision(4) : value.toExponential(3);
}

/** The values of metric `name` in `rows` (those that have it); a sharpness value that did not converge carries its note. */
export function metricSeries(label: string, rows: readonly Record<string, number>[], name: string): MetricSeries {
  const kept = rows.filter((row) => row[name] !== undefined);
  const series: MetricSeries = { label, steps: kept.map((row) => row.step!), values: kept.map((row) => row[name]!) };
  if (!SHARPNESS_VALUES.includes(name) || !kept.some((row) => row.sharpnessConverged === 0)) return series;
  series.unconverged = kept.map((row) =>
    row.sharpnessConverged === 0 ? unconvergedNote({ residual: row.sharpnessResidual ?? NaN, iterations: row.sharpnessIterations ?? NaN }) : undefined,
  );
  return series;
}

/**
 * GD is linearly stable only while lr * factor * lambda_max < 2, lr in the update rule's units (mean-field:
 * particle time, factor m). The latest logged sharpness in those units (sharpnessParticleTime, or factor *
 * sharpness), or '' when none is logged or lr is within the bound.
 */
export function learningRateWarning(config: ExperimentConfig, rows: readonly Record<string, number>[]): string {
  if (config.model.kind !== 'two-layer') return '';
  const factor = particleTimeFactor(config.model.scaling as Scaling, config.model.width);
  const row = [...rows].reverse().find((r) => Number.isFinite(r.sharpnessParticleTime) || Number.isFinite(r.sharpness));
  if (!row) return '';
  const sharpness = Number.isFinite(row.sharpnessParticleTime) ? row.sharpnessParticleTime! : factor * row.sharpness!;
  const lr = config.optimizer.learningRate;
  if (!(lr * sharpness > 2)) return '';
  const units = factor === 1 ? 'λ_max' : `${factor} λ_max, particle time`;
  const rough = row.sharpnessConverged === 0
    ? ` That sharpness did not converge (residual ${formatNumber(row.sharpnessResidual ?? NaN)} in parameter units after ${row.sharpnessIterations} iterations): treat it as rough.`
    : '';
  return `Learning rate ${lr} exceeds 2 / sharpness = ${formatNumber(2 / sharpness)} (sharpness ${formatNumber(sharpness)} = ${units} at step ${row.step}): full-batch GD is past its linear-stability limit here and may diverge (or settle at the edge of stability).${rough}`;
}
