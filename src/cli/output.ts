/** Writes a run's files into a folder: metrics.csv, step-losses.csv, then result.json (last: its presence marks a complete run). */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config/errors';
import type { ExperimentResult } from '../run/run-experiment';
import { metricsCsv, resultJson } from '../run/result-format';
import { stepLossesCsv } from '../run/step-losses-csv';
import { writeFileAtomically } from './atomic-file';

export async function writeRunOutput(directory: string, result: ExperimentResult): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const files = [join(directory, 'metrics.csv'), join(directory, 'step-losses.csv'), join(directory, 'result.json')];
  await writeFileAtomically(files[0]!, metricsCsv(result.metrics));
  await writeFileAtomically(files[1]!, stepLossesCsv(result.stepLosses));
  await writeFileAtomically(files[2]!, resultJson(result));
  return files;
}

/** Throws (an input error, exit code 2) when a plain file sits where a folder goes (merge's --out, which may be a shard's own folder). */
export async function checkOutFolder(directory: string, flag = '--out'): Promise<void> {
  const existing = await stat(directory).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new ConfigError([`${flag} ${directory}: is a plain file; expected a folder to write into (new, or existing)`]);
}
