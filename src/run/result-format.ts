/**
 * The run's files as text: metrics.csv and result.json. One format for the CLI (written to disk)
 * and the app (downloaded), so a run saved from either reads the same. result.json adds what the
 * numbers mean to the result: `metricUnits` (units of the curvature metrics logged, with the
 * particle-time factor) and `summary.sharpnessUnconverged` (logged steps whose sharpness stopped at
 * the Lanczos cap), both derived from the config and the rows (src/run/curvature-report.ts).
 */
import type { MetricsRow } from '../core/simulation';
import { curvatureUnits, logsSharpness, unconvergedSharpness } from './curvature-report';
import type { ExperimentResult } from './run-experiment';

/** CSV with a `step` column, then every metric that appears in any row (blank where absent). */
export function metricsCsv(rows: readonly MetricsRow[]): string {
  const names = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((name) => name !== 'step');
  const lines = [['step', ...names].join(',')];
  for (const row of rows) lines.push([row.step, ...names.map((name) => (row[name] === undefined ? '' : String(row[name])))].join(','));
  return `${lines.join('\n')}\n`;
}

/** JSON numbers cannot be NaN or Infinity: write them as strings so nothing is silently lost. */
function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

export function resultJson(result: ExperimentResult): string {
  const units = curvatureUnits(result.config);
  const summary = logsSharpness(result.metrics) ? { ...result.summary, sharpnessUnconverged: unconvergedSharpness(result.metrics).length } : result.summary;
  return `${JSON.stringify({ ...result, summary, ...(units ? { metricUnits: units } : {}) }, jsonValue, 2)}\n`;
}
