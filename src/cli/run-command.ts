/**
 * `gradflow run <preset | config.json> [--out DIR] [--steps N] [--seed N] [--backend gpu|float64] [--set path=value ...] [--save-params] [--quiet]`
 *
 * One config: writes result.json and metrics.csv into --out; a preset with a check, run as defined, also prints
 * its verdict. A config (or preset) with a `sweep` block is a run set: every grid point trained together
 * (runRunSet), one folder per member (member-<k>/result.json, metrics.csv) and sweep.json / sweep.csv in --out.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { expandSweep, type SweepGrid } from '../config/run-set';
import { applyOverrides, parseConfig, type ExperimentConfig } from '../config/schema';
import { checkContext, formatOutcome, type MemberResult, type Preset } from '../experiments/preset';
import { unconvergedSharpnessWarning } from '../run/curvature-report';
import { resultJson } from '../run/result-format';
import { runExperiment, type ExperimentResult, type RunOptions } from '../run/run-experiment';
import { changesConfig, loadRawConfig, overrideSets, readText, UsageError, type RawConfig } from './inputs';
import { checkOutFolder, writeRunOutput } from './output';
import { progressReporter } from './progress';
import { runGroup } from './run-group';
import { shortLabel, sweepId } from './sweep';
import { sweepRow, writeSweepTable } from './sweep-table';

function describe(result: ExperimentResult): string {
  const s = result.summary;
  const lines = [
    `${result.config.name ?? 'run'}: ${s.status} after ${s.stepsTaken} steps on ${s.backend} (${s.device}) in ${s.wallSeconds.toFixed(1)} s (${s.stepsPerSecond.toFixed(1)} steps/s)`,
    result.stepLosses.length > 0 ? `final loss ${s.finalLoss}` : `final ${JSON.stringify(result.metrics.at(-1) ?? {})}`,
    ...s.events,
  ];
  return lines.join('\n');
}

export async function runCommand(args: string[]): Promise<number> {
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
  const loaded = await loadRawConfig(target);
  const sets = overrideSets(values);
  const raw = applyOverrides(loaded.raw, sets);
  const quiet = values.quiet === true || Boolean(process.env.CI) || !process.stderr.isTTY;
  const progress = progressReporter(process.stderr, !quiet);
  const options: RunOptions = { readText, onProgress: progress.update, saveParams: values['save-params'] === true };
  // A preset run as defined also states its claim: its check's first run (or run set) is the preset's config.
  const preset = loaded.preset?.check && !changesConfig(values) ? loaded.preset : undefined;
  if (raw.sweep !== undefined) {
    const outcome = await runSet(raw, loaded, preset, values.out, options);
    progress.done();
    return writeSet(outcome, target, sets);
  }
  const config = parseConfig(raw, loaded.source);
  const out = values.out ?? join('gradflow-out', config.name ?? 'run');
  await checkOutFolder(out);
  let result: ExperimentResult | undefined;
  let verdict: string | undefined;
  if (preset) {
    const outcome = await preset.check!(checkContext(preset, 'full', options, (r) => (result ??= r)));
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

/** A run set's members as run: the swept values and result of each, how they stepped, and the preset's verdict. */
interface SetOutcome {
  readonly out: string;
  readonly base: ExperimentConfig;
  readonly grid: SweepGrid;
  readonly members: readonly { readonly overrides: Record<string, unknown>; readonly result: ExperimentResult }[];
  readonly lanes: number[][];
  readonly verdict?: string;
}

/**
 * A config with a sweep block: its members as one run set. A preset with a check, run as defined, runs its
 * check, whose first run set is the preset's members (as `run` without a sweep block keeps the check's first run).
 */
async function runSet(raw: Record<string, unknown>, loaded: RawConfig, preset: Preset | undefined, outFlag: string | undefined, options: RunOptions): Promise<SetOutcome> {
  const members = expandSweep(raw, loaded.source);
  const { sweep, ...baseRaw } = raw;
  const grid = sweep as SweepGrid; // expandSweep validated it
  const base = parseConfig(baseRaw, loaded.source);
  const out = outFlag ?? join('gradflow-out', base.name ?? 'run');
  await checkOutFolder(out);
  console.error(`${members.length} members as one run set`);
  if (preset) {
    let lanes: number[][] = [];
    let setLanes: number[][] | undefined;
    let set: readonly MemberResult[] | undefined;
    const withLanes: RunOptions = { ...options, onGroups: (groups) => (lanes = groups.map((group) => [...group])) };
    const onRunSet = (first: readonly MemberResult[]) => {
      set = first;
      setLanes = lanes;
    };
    const outcome = await preset.check!(checkContext(preset, 'full', withLanes, undefined, onRunSet));
    const verdict = formatOutcome(preset.name, outcome);
    if (set && setLanes) return { out, base, grid, members: set, lanes: setLanes, verdict };
    console.error(`${preset.name}: its check ran no run set; running the config's ${members.length} members`);
  }
  const { results, lanes } = await runGroup(
    members.map((member) => member.config),
    options,
  );
  return { out, base, grid, members: members.map((member, k) => ({ overrides: member.overrides, result: results[k]! })), lanes };
}

/** member-<k>/result.json and metrics.csv per member, then sweep.json and sweep.csv. */
async function writeSet(set: SetOutcome, target: string, sets: readonly string[]): Promise<number> {
  const rows = [];
  for (const [k, { overrides, result }] of set.members.entries()) {
    await writeRunOutput(join(set.out, `member-${k}`), result);
    rows.push(sweepRow(k, overrides, JSON.parse(resultJson(result))));
    console.log(`member ${k} ${shortLabel(overrides)}:`);
    console.log(describe(result).replace(/^/gm, '  '));
    const warning = unconvergedSharpnessWarning(result.metrics);
    if (warning) console.warn(`member ${k}: ${warning}`);
  }
  const points = set.members.map((_, k) => k);
  const files = await writeSweepTable(set.out, 'sweep', {
    summary: {
      sweepId: sweepId(set.base, set.grid), pointCount: set.members.length, shard: { index: 0, count: 1 }, status: 'done', points,
      batches: [{ points, lanes: set.lanes }], wallSeconds: set.members[0]?.result.summary.wallSeconds ?? 0, base: target, grid: set.grid, overrides: sets, batched: true,
    },
    rows,
  });
  console.log(`wrote ${set.members.length} member folders (member-<k>/result.json, metrics.csv) and ${files.join(', ')}`);
  if (set.verdict) console.log(set.verdict);
  return 0;
}
