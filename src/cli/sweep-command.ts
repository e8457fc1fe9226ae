/**
 * `gradflow sweep <sweep.json> [--shard k/N | --shard auto [--shards N]] [--out DIR] [--resume | --force] [--no-batch] [--steps N] [--seed N]
 * [--backend gpu|float64] [--set path=value ...] [--quiet]`
 *
 * Runs this shard's points of a sweep. The points that can step together (same data, length, logging and
 * backend: runSetGroups) run as one run set (runRunSet), each bitwise what it would be alone; `--no-batch` runs
 * every point on its own. Every point's run-time checks pass before point 0 runs. Writes, into --out (which
 * several shards may share; src/cli/sweep-folder.ts checks and locks it):
 *   point-<index>/result.json, metrics.csv, sweep-point.json ({ index, overrides, sweepId, pointCount }), each
 *     folder renamed into place whole; --resume skips this shard's finished points, --force runs them again
 *   shard-<k>-of-<N>.json and .csv: the shard's table ({ summary, rows }, src/cli/sweep-table.ts), written at the
 *     start with status "running" and after every batch
 *   sweep.json and sweep.csv when the shard is the whole sweep (no --shard, or 0/1)
 * A signal stops the batch in progress (its points are not written) and exits 128 + the signal's number.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors';
import { overridesAsSet, runSetGroups } from '../config/run-set';
import { applyOverrides, parseConfig, type ExperimentConfig } from '../config/schema';
import { unconvergedSharpnessWarning } from '../run/curvature-report';
import { checkRunSet, runExperiment, type ExperimentResult } from '../run/run-experiment';
import { loadJson, loadRawConfig, overrideSets, readText, UsageError } from './inputs';
import { listenForInterrupts, type Interrupts } from './interrupts';
import { claimSweepFolder, type SweepFolder } from './sweep-folder';
import { progressReporter } from './progress';
import { runGroup } from './run-group';
import { resolveShard, type Shard } from './shard';
import { parseSweep, shardPoints, shortLabel, sweepId, sweepPoints, type SweepPoint, type SweepSpec } from './sweep';
import { shardTableName, writeSweepTable, type SweepBatch, type SweepRow, type SweepSummary } from './sweep-table';

/** A shard's work, every config validated before anything runs. */
interface SweepPlan {
  readonly id: string;
  readonly pointCount: number;
  readonly points: readonly SweepPoint[];
  readonly configs: readonly ExperimentConfig[];
  readonly overrides: readonly string[];
}

async function planSweep(spec: SweepSpec, source: string, shard: Shard, overrides: readonly string[]): Promise<SweepPlan> {
  const { raw, source: baseSource } = await loadRawConfig(spec.base);
  if (raw.sweep !== undefined) {
    throw new ConfigError([`base: ${JSON.stringify(spec.base)} carries its own sweep block; a sweep file's base is one config (move its values into the sweep file's grid)`], source);
  }
  const baseRaw = applyOverrides(raw, overrides);
  const base = parseConfig(baseRaw, baseSource);
  const all = sweepPoints(spec.grid);
  const points = shardPoints(all, shard);
  const configs = points.map((point) => parseConfig(applyOverrides(baseRaw, overridesAsSet(point.overrides)), `${source} point ${point.index} (${shortLabel(point.overrides)})`));
  return { id: sweepId(base, spec.grid), pointCount: all.length, points, configs, overrides };
}

export async function sweepCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      shard: { type: 'string' }, shards: { type: 'string' }, out: { type: 'string' }, 'no-batch': { type: 'boolean' },
      force: { type: 'boolean' }, resume: { type: 'boolean' }, steps: { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string' }, set: { type: 'string', multiple: true }, quiet: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('sweep takes one sweep file');
  const file = positionals[0]!;
  const spec = parseSweep(await loadJson(file), file);
  const shard = resolveShard(values);
  const plan = await planSweep(spec, file, shard, overrideSets(values));
  const batched = values['no-batch'] !== true;
  // Indices into plan.points: the run sets (one point each with --no-batch).
  const groups = batched ? runSetGroups(plan.configs) : plan.points.map((_, i) => [i]);
  // Run-time checks (data loaded, sizes, settings that need the data) for every point before point 0 runs.
  for (const group of groups) await checkRunSet(group.map((i) => plan.configs[i]!), readText);
  const out = values.out ?? 'gradflow-sweep';
  const mode = values.force ? 'force' : values.resume ? 'resume' : 'new';
  if (values.force && values.resume) throw new UsageError('--force runs every point again, --resume skips the finished ones: give one');
  const folder = await claimSweepFolder(out, plan, shard, mode);
  const interrupts = listenForInterrupts();
  try {
    return await runShard(plan, spec, shard, groups, batched, out, folder, interrupts, values.quiet === true);
  } finally {
    interrupts.dispose();
    await folder.release();
  }
}

async function runShard(
  plan: SweepPlan, spec: SweepSpec, shard: Shard, groups: number[][], batched: boolean, out: string, folder: SweepFolder, interrupts: Interrupts, quiet: boolean,
): Promise<number> {
  const showBar = !quiet && !process.env.CI && process.stderr.isTTY;

  const rows: SweepRow[] = [...folder.finished.values()];
  const batches: SweepBatch[] = [];
  if (folder.finished.size > 0) console.error(`--resume: ${folder.finished.size} finished point${folder.finished.size === 1 ? '' : 's'} kept: ${[...folder.finished.keys()].sort((a, b) => a - b).join(', ')}`);
  const started = performance.now();
  const table = (status: SweepSummary['status']) => ({
    summary: {
      sweepId: plan.id, pointCount: plan.pointCount, shard, status, points: plan.points.map((point) => point.index), batches,
      wallSeconds: (performance.now() - started) / 1000, base: spec.base, grid: spec.grid, overrides: plan.overrides, batched,
    } satisfies SweepSummary,
    rows: [...rows].sort((a, b) => (a.index as number) - (b.index as number)),
  });
  await writeSweepTable(out, shardTableName(shard), table('running'));

  for (const [b, whole] of groups.entries()) {
    const group = whole.filter((i) => !folder.finished.has(plan.points[i]!.index));
    if (group.length === 0) continue;
    const points = group.map((i) => plan.points[i]!);
    if (!quiet) console.error(`batch ${b + 1}/${groups.length}: point${points.length > 1 ? 's' : ''} ${points.map((point) => point.index).join(', ')}${points.length > 1 ? ' as one run set' : ''}`);
    const progress = progressReporter(process.stderr, showBar);
    const options = { readText, onProgress: progress.update, signal: interrupts.signal };
    const configs = group.map((i) => plan.configs[i]!);
    const outcome = batched ? await runGroup(configs, options) : { results: [await runExperiment(configs[0]!, options)], lanes: [[0]] };
    progress.done();
    if (interrupts.signal.aborted) {
      // The batch stopped part way: its points are not written (a rerun with --resume runs them again).
      await writeSweepTable(out, shardTableName(shard), table('running'));
      const left = plan.points.length - rows.length;
      console.error(`interrupted: ${rows.length} of ${plan.points.length} points of this shard finished in ${out}; ${left} left (rerun with --resume to run only those)`);
      return interrupts.exitCode()!;
    }
    for (const [k, result] of outcome.results.entries()) rows.push(await writePoint(folder, points[k]!, result));
    batches.push({ points: points.map((point) => point.index), lanes: outcome.lanes.map((lane) => lane.map((k) => points[k]!.index)) });
    await writeSweepTable(out, shardTableName(shard), table('running'));
  }

  const done = table('done');
  await writeSweepTable(out, shardTableName(shard), done);
  if (shard.count === 1) await writeSweepTable(out, 'sweep', done);
  const laneCount = batches.reduce((count, batch) => count + batch.lanes.length, 0);
  console.log(`shard ${shard.index}/${shard.count}: ${plan.points.length - folder.finished.size} points in ${batches.length} batches (${laneCount} lanes) in ${out} (sweep ${plan.id.slice(0, 12)}, ${plan.pointCount} points in all)`);
  return 0;
}

/** One point's folder, written whole (src/cli/sweep-folder.ts), and what it came to. */
async function writePoint(folder: SweepFolder, point: SweepPoint, result: ExperimentResult): Promise<SweepRow> {
  const row = await folder.writePoint(point, result);
  console.log(`point ${point.index} ${shortLabel(point.overrides)}: ${result.summary.status}, final loss ${result.summary.finalLoss}`);
  const warning = unconvergedSharpnessWarning(result.metrics);
  if (warning) console.warn(`point ${point.index}: ${warning}`);
  return row;
}
