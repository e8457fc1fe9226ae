/** Writes a run's output folder: result.json and metrics.csv, each via a temporary file and a rename. */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config/errors';
import type { ExperimentResult } from '../run/run-experiment';
import { metricsCsv, resultJson } from '../run/result-format';

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
  await writeAtomically(files[1]!, resultJson(result));
  return files;
}

/** Throws (an input error, exit code 2) when a plain file sits where the output folder goes; checked before a run starts. */
export async function checkOutFolder(directory: string, flag = '--out'): Promise<void> {
  const existing = await stat(directory).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new ConfigError([`${flag} ${directory}: is a plain file; expected a folder to write into (new, or existing)`]);
}
