/** Writes a run's output folder: result.json and metrics.csv, each via a temporary file and a rename. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExperimentResult } from '../engine/run-experiment';
import type { MetricsRow } from '../scheduler/scheduler';

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

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.partial`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

export async function writeRunOutput(directory: string, result: ExperimentResult): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const files = [join(directory, 'metrics.csv'), join(directory, 'result.json')];
  await writeAtomically(files[0]!, metricsCsv(result.metrics));
  // result.json last: its presence marks a complete output folder.
  await writeAtomically(files[1]!, `${JSON.stringify(result, jsonValue, 2)}\n`);
  return files;
}
