/**
 * A sweep's output folder, which the shards of one sweep share: each shard locks its own part
 * (`.shard-<k>-of-<N>.lock`), each point is written into a staging folder and renamed into place whole
 * (point-<index>/), so an interrupted shard leaves only finished points. Before anything runs, the folder is
 * checked: a point of this shard already finished is skipped with --resume and redone with --force, and is
 * refused otherwise; points and tables of another sweep, or files gradflow did not write, are refused unless
 * --force.
 */
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config/errors';
import type { ExperimentResult } from '../run/run-experiment';
import { resultJson } from '../run/result-format';
import type { ClaimMode } from './out-folder';
import { makeFolder, moveIntoPlace, takeLock } from './out-folder';
import { ATOMIC_TEMPORARY_SUFFIX } from './atomic-file';
import { writeRunOutput } from './output';
import type { Shard } from './shard';
import type { SweepPoint } from './sweep';
import { POINT_FOLDER_PATTERN, SHARD_TABLE_PATTERN, sweepRow, type SweepRow } from './sweep-table';

/**
 * Entries a sweep folder may hold besides its points and shard tables: the merged table, the shards' CSVs, locks,
 * a point's staging folder, and a table another shard is writing this moment (writeFileAtomically's temporary).
 */
const SWEEP_ENTRY = new RegExp(
  String.raw`^(sweep\.(json|csv)|shard-\d+-of-\d+\.csv|\.shard-\d+-of-\d+\.lock|\.point-\d+\.partial-.+|(sweep|shard-\d+-of-\d+)\.(json|csv)${ATOMIC_TEMPORARY_SUFFIX})$`,
);

export interface SweepFolder {
  /** Rows of this shard's points finished by an earlier run (--resume), by point index. */
  readonly finished: ReadonlyMap<number, SweepRow>;
  /** Writes one point's folder whole: sweep-point.json, metrics.csv, result.json. */
  writePoint(point: SweepPoint, result: ExperimentResult): Promise<SweepRow>;
  release(): Promise<void>;
}

interface SweepIdentity {
  readonly id: string;
  readonly pointCount: number;
  readonly points: readonly SweepPoint[];
}

export async function claimSweepFolder(out: string, sweep: SweepIdentity, shard: Shard, mode: ClaimMode): Promise<SweepFolder> {
  const refuse = (why: string) => new ConfigError([`--out ${out === '' ? "''" : out}: ${why}`]);
  if (out.trim() === '') throw refuse('is empty; give a folder for the sweep, e.g. --out runs/sweep');
  const existing = await stat(out).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw refuse('is a plain file; give a folder for the sweep (new, or one its other shards share)');
  await makeFolder(out, refuse);
  const lock = join(out, `.shard-${shard.index}-of-${shard.count}.lock`);
  await takeLock(lock, refuse);
  try {
    const finished = await checkContents(out, sweep, mode, refuse);
    return {
      finished,
      writePoint: (point, result) => writePoint(out, sweep, point, result),
      release: () => rm(lock, { force: true }),
    };
  } catch (error) {
    await rm(lock, { force: true });
    throw error;
  }
}

async function checkContents(out: string, sweep: SweepIdentity, mode: ClaimMode, refuse: (why: string) => ConfigError): Promise<Map<number, SweepRow>> {
  const mine = new Set(sweep.points.map((point) => point.index));
  const finished = new Map<number, SweepRow>();
  const problems: string[] = [];
  for (const entry of await readdir(out)) {
    const point = POINT_FOLDER_PATTERN.exec(entry);
    const table = entry.endsWith('.json') && (SHARD_TABLE_PATTERN.test(entry) || entry === 'sweep.json');
    if (point) {
      const index = Number(point[1]);
      const saved = await readJson(join(out, entry, 'sweep-point.json'));
      const result = await readJson(join(out, entry, 'result.json'));
      if (saved?.sweepId !== undefined && saved.sweepId !== sweep.id) problems.push(`${entry} belongs to another sweep (${String(saved.sweepId).slice(0, 12)})`);
      else if (mine.has(index) && result && saved) finished.set(index, sweepRow(index, saved.overrides as Record<string, unknown>, result as never));
      else if (mine.has(index)) problems.push(`${entry} is an unfinished point`);
    } else if (table) {
      const summary = (await readJson(join(out, entry)))?.summary as { sweepId?: unknown } | undefined;
      if (summary?.sweepId !== sweep.id) problems.push(`${entry} is the table of another sweep`);
    } else if (!SWEEP_ENTRY.test(entry)) {
      problems.push(`${entry} was not written by gradflow sweep`);
    }
  }
  if (mode === 'force') {
    // Redo this shard's points: what is in the way goes when each point is written.
    return new Map();
  }
  if (problems.length > 0) throw refuse(`${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}; add --force to write over it, or choose a new folder`);
  if (finished.size > 0 && mode !== 'resume') {
    throw refuse(`already holds ${finished.size} finished point${finished.size === 1 ? '' : 's'} of this sweep (this shard's); add --resume to skip them and run the rest, --force to run them again, or choose a new folder`);
  }
  return finished;
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function writePoint(out: string, sweep: SweepIdentity, point: SweepPoint, result: ExperimentResult): Promise<SweepRow> {
  const staging = await mkdtemp(join(out, `.point-${point.index}.partial-`));
  try {
    await chmod(staging, 0o777 & ~process.umask()); // mkdtemp's is private (0700)
    await writeFile(join(staging, 'sweep-point.json'), `${JSON.stringify({ ...point, sweepId: sweep.id, pointCount: sweep.pointCount }, null, 2)}\n`);
    await writeRunOutput(staging, result);
    await moveIntoPlace(staging, join(out, `point-${point.index}`));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return sweepRow(point.index, point.overrides, JSON.parse(resultJson(result)));
}
