/**
 * gradflow: the headless command line.
 *   gradflow run <preset | config.json> [--out DIR] [--steps N] [--seed N] [--backend gpu|float64] [--set path=value ...] [--save-params] [--quiet]
 *   gradflow list
 *   gradflow metrics [--kind two-layer|linear|landscape]   (every metric: kinds, unit, cost, description)
 *   gradflow check [<preset> ...] [--all] [--reduced]   (every preset's claim as numbers: PASS/FAIL table)
 *   gradflow sweep <sweep.json> [--shard k/N] [--out DIR] [--backend ...] [--steps N]
 *   gradflow merge <DIR ...> --out DIR
 * Exit codes: 0 done (a diverged run is a result), 2 invalid config or files (nothing written), 1 other failures.
 */
import { readFile, readdir, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors';
import { DataFileError, DataSpecError } from '../data/errors';
import { applyOverrides, parseConfig, type ExperimentConfig } from '../config/schema';
import { runExperiment, type ExperimentResult } from '../run/run-experiment';
import { unconvergedSharpnessWarning } from '../run/curvature-report';
import { PRESETS, findPreset, type Preset } from '../experiments/presets';
import { checkContext, formatOutcome } from '../experiments/preset';
import { writeRunOutput } from './output';
import { progressReporter } from './progress';
import { overridesAsSet, parseShard, parseSweep, shardPoints, sweepPoints } from './sweep';
import { metricListing } from './metric-listing';
import { MODEL_KIND_NAMES, type ModelKindName } from '../metrics/registry';

const USAGE = `usage:
  gradflow run <preset | config.json> [--out DIR] [--steps N] [--seed N] [--backend gpu|float64] [--set path=value ...] [--save-params] [--quiet]
  gradflow list
  gradflow metrics [--kind two-layer|linear|landscape]
  gradflow check [<preset> ...] [--all] [--reduced]
  gradflow sweep <sweep.json> [--shard k/N] [--out DIR] [--steps N] [--backend gpu|float64]
  gradflow merge <DIR ...> --out DIR`;

class UsageError extends Error {}

const readText = (path: string) =>
  readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError([`${path}: cannot read (${error.code ?? error.message})`]);
  });

async function loadJson(path: string): Promise<unknown> {
  const text = await readText(path);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${path}: not valid JSON (${(error as Error).message})`]);
  }
}

/** A preset name or a config file, with the command-line overrides applied, validated. */
async function resolveConfig(target: string, flags: { steps?: string; seed?: string; backend?: string; set?: string[] }): Promise<ExperimentConfig> {
  const preset = findPreset(target);
  const raw = preset ? structuredClone(preset.config) : await loadJson(target);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError([`${target}: a config must be a JSON object`]);
  const sets = [...(flags.set ?? [])];
  if (flags.steps !== undefined) sets.push(`steps=${flags.steps}`);
  if (flags.seed !== undefined) sets.push(`seed=${flags.seed}`);
  if (flags.backend !== undefined) sets.push(`backend=${JSON.stringify(flags.backend)}`);
  return parseConfig(applyOverrides(raw as Record<string, unknown>, sets), preset ? `preset ${target}` : target);
}

function describe(result: ExperimentResult): string {
  const s = result.summary;
  const lines = [
    `${result.config.name ?? 'run'}: ${s.status} after ${s.stepsTaken} steps on ${s.backend} (${s.device}) in ${s.wallSeconds.toFixed(1)} s (${s.stepsPerSecond.toFixed(1)} steps/s)`,
    result.stepLosses.length > 0 ? `final loss ${s.finalLoss}` : `final ${JSON.stringify(result.metrics.at(-1) ?? {})}`,
    ...s.events,
  ];
  return lines.join('\n');
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' }, steps: { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string' },
      set: { type: 'string', multiple: true }, 'save-params': { type: 'boolean' }, quiet: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('run takes one preset name or config file');
  const target = positionals[0]!;
  const config = await resolveConfig(target, values);
  const out = values.out ?? join('gradflow-out', config.name ?? 'run');
  const quiet = values.quiet === true || Boolean(process.env.CI) || !process.stderr.isTTY;
  const progress = progressReporter(process.stderr, !quiet);
  const options = { readText, onProgress: progress.update, saveParams: values['save-params'] === true };
  const preset = findPreset(target);
  // A preset run as defined also states its claim: its check's first run is the preset's config.
  const changed = values.set !== undefined || values.steps !== undefined || values.seed !== undefined || values.backend !== undefined;
  let result: ExperimentResult | undefined;
  let verdict: string | undefined;
  if (preset?.check && !changed) {
    const outcome = await preset.check(checkContext(preset, 'full', options, (r) => (result ??= r)));
    verdict = formatOutcome(preset.name, outcome);
  } else {
    result = await runExperiment(config, options);
  }
  progress.done();
  const files = await writeRunOutput(out, result!);
  console.log(describe(result!));
  const warning = unconvergedSharpnessWarning(result!.metrics);
  if (warning) console.warn(warning);
  console.log(`wrote ${files.join(', ')}`);
  if (verdict) console.log(verdict);
  return 0;
}

async function sweep(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { shard: { type: 'string' }, out: { type: 'string' }, steps: { type: 'string' }, backend: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('sweep takes one sweep file');
  const spec = parseSweep(await loadJson(positionals[0]!), positionals[0]!);
  const shard = parseShard(values.shard ?? '0/1');
  const points = shardPoints(sweepPoints(spec), shard);
  const out = values.out ?? 'gradflow-sweep';
  // Validate every point before running any, so a bad grid value fails fast with exit 2.
  const configs = [];
  for (const point of points) configs.push(await resolveConfig(spec.base, { ...values, set: overridesAsSet(point.overrides) }));
  for (const [i, point] of points.entries()) {
    const result = await runExperiment(configs[i]!, { readText });
    const directory = join(out, `point-${point.index}`);
    await writeRunOutput(directory, result);
    await writeFile(join(directory, 'sweep-point.json'), `${JSON.stringify(point)}\n`);
    console.log(`point ${point.index} ${JSON.stringify(point.overrides)}: ${result.summary.status}, final loss ${result.summary.finalLoss}`);
    const warning = unconvergedSharpnessWarning(result.metrics);
    if (warning) console.warn(`point ${point.index}: ${warning}`);
  }
  console.log(`shard ${shard.index}/${shard.count}: ${points.length} points in ${out}`);
  return 0;
}

async function merge(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length === 0 || !values.out) throw new UsageError('merge takes shard folders and --out DIR');
  const rows: Record<string, unknown>[] = [];
  for (const directory of positionals) {
    for (const entry of (await readdir(directory)).filter((name) => name.startsWith('point-')).sort()) {
      const point = (await loadJson(join(directory, entry, 'sweep-point.json'))) as { index: number; overrides: Record<string, unknown> };
      const result = (await loadJson(join(directory, entry, 'result.json'))) as ExperimentResult;
      const last = result.metrics.at(-1) ?? { step: 0 };
      rows.push({ index: point.index, ...point.overrides, status: result.summary.status, ...last });
    }
  }
  rows.sort((a, b) => (a.index as number) - (b.index as number));
  const duplicates = rows.filter((row, i) => i > 0 && row.index === rows[i - 1]!.index);
  if (duplicates.length > 0) throw new ConfigError([`point ${duplicates[0]!.index} appears in more than one shard folder`]);
  await mkdir(values.out, { recursive: true });
  await writeFile(join(values.out, 'sweep.json'), `${JSON.stringify(rows, null, 2)}\n`);
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const csv = [columns.join(','), ...rows.map((row) => columns.map((c) => (row[c] === undefined ? '' : JSON.stringify(row[c]))).join(','))];
  await writeFile(join(values.out, 'sweep.csv'), `${csv.join('\n')}\n`);
  console.log(`merged ${rows.length} points into ${values.out}/sweep.json and sweep.csv`);
  return 0;
}

async function check(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { all: { type: 'boolean' }, reduced: { type: 'boolean' } } });
  const withChecks = PRESETS.filter((preset) => preset.check);
  const chosen = values.all ? withChecks : positionals.map((name) => findPreset(name) ?? name);
  const unknown = chosen.filter((p): p is string => typeof p === 'string');
  if (unknown.length > 0) throw new UsageError(`unknown preset ${unknown.join(', ')}; see gradflow list`);
  if (chosen.length === 0) throw new UsageError('name presets to check, or --all');
  const size = values.reduced ? 'reduced' : 'full';
  let failed = 0;
  for (const preset of chosen as Preset[]) {
    if (!preset.check) {
      console.log(`----  ${preset.name}: no check`);
      continue;
    }
    const started = performance.now();
    const outcome = await preset.check(checkContext(preset, size, { readText }));
    if (!outcome.passed) failed++;
    console.log(`${formatOutcome(preset.name, outcome)}  (${((performance.now() - started) / 1000).toFixed(1)} s, ${size})`);
  }
  console.log(`${chosen.length - failed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

function list(): number {
  const width = Math.max(...PRESETS.map((p) => p.name.length));
  for (const preset of PRESETS) console.log(`${preset.name.padEnd(width)}  ${preset.summary}`);
  return 0;
}

function metrics(args: string[]): number {
  const { values } = parseArgs({ args, options: { kind: { type: 'string' } } });
  const kind = values.kind;
  if (kind !== undefined && !(MODEL_KIND_NAMES as readonly string[]).includes(kind)) {
    throw new UsageError(`--kind must be one of ${MODEL_KIND_NAMES.join(', ')}, got ${kind}`);
  }
  for (const line of metricListing(kind as ModelKindName | undefined)) console.log(line);
  return 0;
}

/** Problems with what the user gave (config, data files, arguments): exit code 2. */
function isInputError(error: unknown): boolean {
  return (
    error instanceof ConfigError ||
    error instanceof UsageError ||
    error instanceof DataFileError ||
    error instanceof DataSpecError ||
    Boolean((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
  );
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await run(rest);
      case 'list':
        return list();
      case 'metrics':
        return metrics(rest);
      case 'check':
        return await check(rest);
      case 'sweep':
        return await sweep(rest);
      case 'merge':
        return await merge(rest);
      default:
        console.log(USAGE);
        return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
    }
  } catch (error) {
    if (isInputError(error)) {
      console.error(`gradflow: ${(error as Error).message}`);
      if (error instanceof UsageError) console.error(USAGE);
      return 2;
    }
    console.error(`gradflow: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return 1;
  }
}

