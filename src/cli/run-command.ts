/**
 * `gradflow run <preset | config.json> [--out DIR] [--force] [--steps N] [--seed N] [--backend gpu|float64] [--set path=value ...] [--save-params] [--quiet]`
 * `gradflow run --resume DIR`
 *
 * One config: writes result.json and metrics.csv into --out; a preset with a check, run as defined, also prints
 * its verdict. A config (or preset) with a `sweep` block is a run set: every grid point trained together
 * (runRunSet), one folder per member (member-<k>/result.json, metrics.csv) and sweep.json / sweep.csv in --out.
 * Runs are durable (src/cli/durable-run.ts): --out must be new or empty (--force replaces it), everything is
 * written beside it and renamed into place, checkpoints reach the disk as the run goes, and a signal ends the
 * run with status "interrupted" and a checkpoint that --resume continues bit for bit.
 */
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { expandSweep, type SweepGrid } from '../config/run-set';
import { applyOverrides, parseConfig } from '../config/schema';
import { checkContext, formatOutcome, type MemberResult, type Preset } from '../experiments/preset';
import { unconvergedSharpnessWarning } from '../run/curvature-report';
import { resultJson } from '../run/result-format';
import { runExperiment, runRunSet, type ExperimentResult, type RunOptions } from '../run/run-experiment';
import { readCheckpoint, type RunIdentity, type SetIdentity } from './checkpoint-file';
import { durably, type DurableRun } from './durable-run';
import { changesConfig, loadRawConfig, overrideSets, readText, UsageError } from './inputs';
import { finalFolderOf } from './out-folder';
import { writeRunOutput } from './output';
import { progressReporter } from './progress';
import { runGroup } from './run-group';
import { shortLabel, sweepId } from './sweep';
import { sweepRow, writeSweepTable } from './sweep-table';

/** Four significant digits on the terminal; result.json keeps every digit. */
function rounded(value: number): string {
  return Number.isInteger(value) || !Number.isFinite(value) ? String(value) : String(Number(value.toPrecision(4)));
}

function describe(result: ExperimentResult): string {
  const s = result.summary;
  const lines = [
    `${result.config.name ?? 'run'}: ${s.status} after ${s.stepsTaken} steps on ${s.backend} (${s.device}${s.stepKernel ? `, ${s.stepKernel} step` : ''}) in ${s.wallSeconds.toFixed(1)} s (${s.stepsPerSecond.toFixed(1)} steps/s)`,
    result.stepLosses.length > 0 ? `final loss ${rounded(s.finalLoss)}` : `final ${Object.entries(result.metrics.at(-1) ?? {}).map(([name, value]) => `${name} ${rounded(value)}`).join(', ')}`,
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
      force: { type: 'boolean' }, resume: { type: 'string' },
    },
  });
  const quiet = values.quiet === true || Boolean(process.env.CI) || !process.stderr.isTTY;
  const progress = progressReporter(process.stderr, !quiet);
  if (values.resume !== undefined) {
    if (positionals.length > 0 || changesConfig(values) || values.out !== undefined || values.force || values['save-params']) {
      throw new UsageError('run --resume DIR takes no preset, config, --out, --force or config changes: the run goes on as it was started, into DIR');
    }
    return resumeRun(values.resume, { readText, onProgress: progress.update }, progress.done);
  }
  if (positionals.length !== 1) throw new UsageError('run takes one preset name or config file (or --resume DIR)');
  const target = positionals[0]!;
  const loaded = await loadRawConfig(target);
  const sets = overrideSets(values);
  const raw = applyOverrides(loaded.raw, sets);
  const saveParams = values['save-params'] === true;
  const options: RunOptions = { readText, onProgress: progress.update, saveParams };
  const mode = values.force ? 'force' : 'new';
  // A preset run as defined also states its claim: its check's first run (or run set) is the preset's config.
  const preset = loaded.preset?.check && !changesConfig(values) ? loaded.preset : undefined;
  if (raw.sweep !== undefined) {
    const members = expandSweep(raw, loaded.source);
    const { sweep, ...baseRaw } = raw;
    const base = parseConfig(baseRaw, loaded.source);
    const grid = sweep as SweepGrid; // expandSweep validated it
    const set: SetIdentity = { sweepId: sweepId(base, grid), grid, overrides: members.map((member) => member.overrides), sets };
    const identity: RunIdentity = { configs: members.map((member) => member.config), target, saveParams, set };
    return durably(values.out ?? join('gradflow-out', base.name ?? 'run'), mode, async (run) => {
      const outcome = await runSet(identity, preset, run, options);
      progress.done();
      return writeSet(outcome, run);
    });
  }
  const config = parseConfig(raw, loaded.source);
  const identity: RunIdentity = { configs: [config], target, saveParams };
  return durably(values.out ?? join('gradflow-out', config.name ?? 'run'), mode, async (run) => {
    let result: ExperimentResult | undefined;
    let verdict: string | undefined;
    if (preset) {
      // The check may run more than its first run; only the first one's checkpoints are this folder's.
      const durable = run.options(options, identity, () => result === undefined);
      const outcome = await preset.check!(checkContext(preset, 'full', durable, (r) => (result ??= r)));
      verdict = run.interrupted ? `${preset.name}: check interrupted; no verdict` : formatOutcome(preset.name, outcome);
    } else {
      result = await runExperiment(config, run.options(options, identity));
    }
    progress.done();
    return writeSingle(result!, run, verdict);
  });
}

/** `gradflow run --resume DIR`: an interrupted run (DIR holds its checkpoint.json) goes on to its end, into DIR. */
async function resumeRun(folder: string, options: RunOptions, done: () => void): Promise<number> {
  const saved = await readCheckpoint(folder);
  const out = finalFolderOf(folder);
  console.error(`resuming ${saved.target} at step ${saved.checkpoint.stepsTaken} of ${saved.configs[0]!.steps} into ${out}`);
  const resumed: RunOptions = { ...options, resumeFrom: saved.checkpoint, startLog: saved.log, saveParams: saved.saveParams };
  const code = await durably(out, 'resume', async (run) => {
    const durable = run.options(resumed, saved);
    if (saved.set) {
      const { results, lanes } = await runGroup(saved.configs, durable);
      done();
      const members = results.map((result, k) => ({ overrides: saved.set!.overrides[k]!, result }));
      return writeSet({ identity: saved, members, lanes }, run);
    }
    const [result] = await runRunSet(saved.configs, durable);
    done();
    return writeSingle(result!, run);
  });
  // Resumed from a killed run's staging folder: its work now lives in the output folder.
  if (resolve(folder) !== resolve(out)) await rm(folder, { recursive: true, force: true });
  return code;
}

async function writeSingle(result: ExperimentResult, run: DurableRun, verdict?: string): Promise<number> {
  const { files, exitCode } = await run.finish((folder) => writeRunOutput(folder, result));
  console.log(describe(result));
  const warning = unconvergedSharpnessWarning(result.metrics);
  if (warning) console.warn(warning);
  console.log(`wrote ${files.join(', ')}`);
  if (run.interrupted) console.log(resumeHint(run));
  if (verdict) console.log(verdict);
  return exitCode;
}

function resumeHint(run: DurableRun): string {
  const folder = run.claim.out.replace(`${process.cwd()}/`, '');
  return `interrupted: its checkpoint is in ${folder}; gradflow run --resume ${folder} goes on from it`;
}

/** A run set's members as run: the swept values and result of each, how they stepped, and the preset's verdict. */
interface SetOutcome {
  readonly identity: RunIdentity;
  readonly members: readonly { readonly overrides: Record<string, unknown>; readonly result: ExperimentResult }[];
  readonly lanes: number[][];
  readonly verdict?: string;
}

/**
 * A config with a sweep block: its members as one run set. A preset with a check, run as defined, runs its
 * check, whose first run set is the preset's members (as `run` without a sweep block keeps the check's first run).
 */
async function runSet(identity: RunIdentity, preset: Preset | undefined, run: DurableRun, options: RunOptions): Promise<SetOutcome> {
  const { configs, set } = identity;
  console.error(`${configs.length} members as one run set`);
  if (preset) {
    let lanes: number[][] = [];
    let setLanes: number[][] | undefined;
    let first: readonly MemberResult[] | undefined;
    const durable = run.options({ ...options, onGroups: (groups) => (lanes = groups.map((group) => [...group])) }, identity, () => first === undefined);
    const onRunSet = (results: readonly MemberResult[]) => {
      first ??= results;
      setLanes ??= lanes;
    };
    const outcome = await preset.check!(checkContext(preset, 'full', durable, undefined, onRunSet));
    const verdict = run.interrupted ? `${preset.name}: check interrupted; no verdict` : formatOutcome(preset.name, outcome);
    if (first && setLanes) return { identity, members: first, lanes: setLanes, verdict };
    console.error(`${preset.name}: its check ran no run set; running the config's ${configs.length} members`);
  }
  const { results, lanes } = await runGroup(configs, run.options(options, identity));
  return { identity, members: results.map((result, k) => ({ overrides: set!.overrides[k]!, result })), lanes };
}

/** member-<k>/result.json and metrics.csv per member, then sweep.json and sweep.csv. */
async function writeSet(outcome: SetOutcome, run: DurableRun): Promise<number> {
  const { identity, members } = outcome;
  const set = identity.set!;
  const { files, exitCode } = await run.finish(async (folder) => {
    const rows = [];
    for (const [k, { overrides, result }] of members.entries()) {
      await writeRunOutput(join(folder, `member-${k}`), result);
      rows.push(sweepRow(k, overrides, JSON.parse(resultJson(result))));
    }
    const points = members.map((_, k) => k);
    return writeSweepTable(folder, 'sweep', {
      summary: {
        sweepId: set.sweepId, pointCount: members.length, shard: { index: 0, count: 1 }, status: run.interrupted ? 'running' : 'done', points,
        batches: [{ points, lanes: outcome.lanes }], wallSeconds: members[0]?.result.summary.wallSeconds ?? 0, base: identity.target, grid: set.grid, overrides: set.sets, batched: true,
      },
      rows,
    });
  });
  for (const [k, { overrides, result }] of members.entries()) {
    console.log(`member ${k} ${shortLabel(overrides)}:`);
    console.log(describe(result).replace(/^/gm, '  '));
    const warning = unconvergedSharpnessWarning(result.metrics);
    if (warning) console.warn(`member ${k}: ${warning}`);
  }
  console.log(`wrote ${members.length} member folders (member-<k>/result.json, metrics.csv) and ${files.join(', ')}`);
  if (run.interrupted) console.log(resumeHint(run));
  if (outcome.verdict) console.log(outcome.verdict);
  return exitCode;
}
