/**
 * gradflow: the headless command line.
 *   gradflow run <preset | config.json> [--out DIR] [--force] [--steps N] [--seed N] [--backend gpu|float64] [--set path=value ...] [--save-params] [--quiet]
 *   gradflow run --resume DIR   (an interrupted run goes on from its checkpoint, bit for bit)
 *     (a config with a sweep block runs as one run set: src/cli/run-command.ts)
 *   gradflow list
 *   gradflow metrics [--kind two-layer|linear|landscape]   (every metric: kinds, unit, cost, description)
 *   gradflow check [<preset> ...] [--all] [--reduced]   (every preset's claim as numbers: PASS/FAIL table)
 *   gradflow sweep <sweep.json> [--shard k/N | --shard auto [--shards N]] [--out DIR] [--resume | --force] [--no-batch] ...   (src/cli/sweep-command.ts)
 *   gradflow merge <DIR ...> --out DIR [--allow-partial]   (src/cli/merge-command.ts)
 *   gradflow analyze <preset | config.json> --params FILE [--out DIR] ...   (the network at saved parameters: NTK, Hessian, fit)
 *   gradflow analyze w2 A.csv B.csv [--method exact|sinkhorn|sliced] ...   (optimal transport between two clouds; src/cli/analyze-command.ts)
 * Exit codes: 0 done (a diverged run is a result), 2 invalid config or files (nothing written), 1 other failures,
 * 130 / 143 / 129 stopped by SIGINT / SIGTERM / SIGHUP (the work so far kept, resumable).
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors';
import { DataFileError, DataSpecError } from '../data/errors';
import { PRESETS, findPreset, type Preset } from '../experiments/presets';
import { checkContext, formatOutcome } from '../experiments/preset';
import { MODEL_KIND_NAMES, type ModelKindName } from '../metrics/registry';
import { readText, UsageError } from './inputs';
import { analyzeCommand } from './analyze-command';
import { mergeCommand } from './merge-command';
import { progressReporter } from './progress';
import { metricListing } from './metric-listing';
import { runCommand } from './run-command';
import { sweepCommand } from './sweep-command';

const USAGE = `usage:
  gradflow run <preset | config.json> [--out DIR] [--force] [--steps N] [--seed N] [--backend gpu|float64] [--set path=value ...] [--save-params] [--quiet]
  gradflow run --resume DIR
  gradflow list
  gradflow metrics [--kind two-layer|linear|landscape]
  gradflow check [<preset> ...] [--all] [--reduced]
  gradflow sweep <sweep.json> [--shard k/N | --shard auto [--shards N]] [--out DIR] [--resume | --force] [--no-batch] [--steps N] [--seed N] [--backend gpu|float64] [--set path=value ...] [--quiet]
  gradflow merge <DIR ...> --out DIR [--allow-partial]
  gradflow analyze <preset | config.json> --params FILE [--member k] [--out DIR] [--force] [--set path=value ...] [--backend float64|gpu] [--dense-limit P] [--top K] [--quiet]
  gradflow analyze w2 A.csv B.csv [--method exact|sinkhorn|sliced] [--epsilon E] [--tolerance T] [--max-iterations N] [--plan-entries K] [--directions L] [--seed S] [--backend float64|gpu] [--out DIR] [--force] [--quiet]`;

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
    console.log(`${preset.name}: checking at ${size} size ...`);
    const progress = progressReporter(process.stderr, !process.env.CI && process.stderr.isTTY);
    const outcome = await preset.check(checkContext(preset, size, { readText, onProgress: progress.update }));
    progress.done();
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
    isParseArgsError(error)
  );
}

/** node:util parseArgs's errors carry a string code ERR_PARSE_ARGS_*; a DOMException's code is a number. */
export function isParseArgsError(error: unknown): boolean {
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'list':
        return list();
      case 'metrics':
        return metrics(rest);
      case 'check':
        return await check(rest);
      case 'sweep':
        return await sweepCommand(rest);
      case 'merge':
        return await mergeCommand(rest);
      case 'analyze':
        return await analyzeCommand(rest);
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
      case undefined:
        throw new UsageError('name a command: run, list, metrics, check, sweep, merge or analyze (gradflow help shows this)');
      default:
        throw new UsageError(`unknown command '${command}'; the commands are run, list, metrics, check, sweep, merge, analyze`);
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

