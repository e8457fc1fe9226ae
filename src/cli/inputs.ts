/**
 * What the commands read from the user: files as text and JSON, a preset or config file as a raw config
 * object, and the command-line overrides (--set, --steps, --seed, --backend) as `--set` strings. Problems
 * are input errors (exit code 2): ConfigError for files and values, UsageError for the command line.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { ConfigError } from '../config/errors';
import { checkTextFileSize } from '../data/text-file-limit';
import { findPreset, PRESETS, type Preset } from '../experiments/presets';

/** A command line that does not make sense (wrong arguments): exit code 2 with the usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A file named on the command line or in a config, as text; an oversized one is a DataFileError (checkTextFileSize). */
export async function readText(path: string): Promise<string> {
  const cannotRead = (error: NodeJS.ErrnoException) => new ConfigError([`${path}: cannot read (${error.code ?? error.message})`]);
  // Sized before reading: past V8's string limit the read itself fails with a bare "Invalid string length".
  const { size } = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw cannotRead(error);
  });
  checkTextFileSize(path, size);
  return readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw cannotRead(error);
  });
}

export async function loadJson(path: string): Promise<unknown> {
  // Editors on some systems start UTF-8 files with a byte-order mark; JSON.parse would stop at it.
  const text = (await readText(path)).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${path}: not valid JSON (${(error as Error).message})`]);
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The flags that change a run's config. */
export interface OverrideFlags {
  readonly steps?: string | undefined;
  readonly seed?: string | undefined;
  readonly backend?: string | undefined;
  readonly set?: readonly string[] | undefined;
}

/** The flags as `--set` strings, in the order they apply (--set first, then --steps, --seed, --backend). */
export function overrideSets(flags: OverrideFlags): string[] {
  const sets = [...(flags.set ?? [])];
  if (flags.steps !== undefined) sets.push(`steps=${flags.steps}`);
  if (flags.seed !== undefined) sets.push(`seed=${flags.seed}`);
  if (flags.backend !== undefined) sets.push(`backend=${JSON.stringify(flags.backend)}`);
  return sets;
}

export function changesConfig(flags: OverrideFlags): boolean {
  return overrideSets(flags).length > 0;
}

export interface RawConfig {
  /** The config object as written (a preset's copy, or the file's JSON), before defaults and overrides. */
  readonly raw: Record<string, unknown>;
  readonly preset: Preset | undefined;
  /** How errors name it: "preset NAME" or the file path. */
  readonly source: string;
}

/** A preset name or a config file as its raw JSON object. */
export async function loadRawConfig(target: string): Promise<RawConfig> {
  const preset = findPreset(target);
  if (!preset && !existsSync(target)) {
    throw new ConfigError([`${target}: no preset of that name and no such file; presets: ${PRESETS.map((p) => p.name).join(', ')} (gradflow list)`]);
  }
  const raw = preset ? structuredClone(preset.config) : await loadJson(target);
  if (!isRecord(raw)) throw new ConfigError([`${target}: a config must be a JSON object, got ${JSON.stringify(raw)?.slice(0, 60)}`]);
  return { raw, preset, source: preset ? `preset ${target}` : target };
}
