/**
 * `gradflow merge <DIR ...> --out DIR [--allow-partial]`
 *
 * Joins the output of a sweep's shards (several shard folders, or one folder the shards shared) into
 * sweep.json and sweep.csv in --out. Refuses (exit code 2, naming the path and what was expected): folders
 * that are missing, plain files, empty or hold no shard summary; shard summaries of different sweeps; points
 * whose sweep-point.json names another sweep (stale output); a result.json that is not a result; a point in
 * two folders; and points no shard delivered, unless --allow-partial, which merges what there is and warns
 * with the list.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors';
import { isRecord, loadJson, UsageError } from './inputs';
import { checkOutFolder } from './output';
import { POINT_FOLDER_PATTERN, SHARD_TABLE_PATTERN, sweepRow, writeSweepTable, type ResultLike, type SweepRow, type SweepSummary, type SweepTable } from './sweep-table';

const EXPECTED_FOLDER = 'expected a folder written by gradflow sweep --out (point-<index> folders and shard-<k>-of-<N>.json summaries)';

interface ShardFile {
  readonly folder: string;
  readonly path: string;
  readonly table: SweepTable;
}

interface PointFolder {
  readonly folder: string;
  readonly index: number;
  readonly path: string;
}

interface FolderContents {
  readonly tables: ShardFile[];
  readonly points: PointFolder[];
}

async function readFolder(folder: string): Promise<FolderContents> {
  const info = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError([`${folder}: ${error.code === 'ENOENT' ? 'no such folder' : `cannot read (${error.code ?? error.message})`}; ${EXPECTED_FOLDER}`]);
  });
  if (!info.isDirectory()) throw new ConfigError([`${folder}: is a plain file, not a folder; ${EXPECTED_FOLDER}`]);
  const entries = await readdir(folder);
  if (entries.length === 0) throw new ConfigError([`${folder}: is empty; ${EXPECTED_FOLDER}`]);
  const tableNames = entries.filter((name) => SHARD_TABLE_PATTERN.test(name)).sort();
  if (tableNames.length === 0) throw new ConfigError([`${folder}: holds no shard summary (shard-<k>-of-<N>.json); ${EXPECTED_FOLDER}`]);
  const tables: ShardFile[] = [];
  for (const name of tableNames) {
    const path = join(folder, name);
    const [, k, n] = SHARD_TABLE_PATTERN.exec(name)!;
    tables.push({ folder, path, table: checkShardTable(await loadJson(path), path, { index: Number(k), count: Number(n) }) });
  }
  const points = entries.flatMap((name) => {
    const match = POINT_FOLDER_PATTERN.exec(name);
    return match ? [{ folder, index: Number(match[1]), path: join(folder, name) }] : [];
  });
  return { tables, points };
}

function checkShardTable(input: unknown, path: string, shard: { index: number; count: number }): SweepTable {
  const summary = isRecord(input) ? input.summary : undefined;
  const valid =
    isRecord(input) &&
    Array.isArray(input.rows) &&
    isRecord(summary) &&
    typeof summary.sweepId === 'string' &&
    /^[0-9a-f]{64}$/.test(summary.sweepId) &&
    Number.isInteger(summary.pointCount) &&
    isRecord(summary.shard) &&
    summary.shard.index === shard.index &&
    summary.shard.count === shard.count;
  if (!valid) {
    throw new ConfigError([`${path}: not a shard summary of gradflow sweep; expected {"summary": {"sweepId": "<sha256 hex>", "pointCount": N, "shard": {"index": ${shard.index}, "count": ${shard.count}}, ...}, "rows": [...]}`]);
  }
  // pointCount sizes the merge's list of points: it must be the grid's, or an edited summary could ask for 10^9 of them.
  const gridPoints = gridPointCount(summary.grid);
  if (gridPoints === undefined || summary.pointCount !== gridPoints || gridPoints < 1) {
    const grid = gridPoints === undefined ? 'no grid of config paths to value lists' : `a grid of ${gridPoints} points`;
    throw new ConfigError([`${path}: summary.pointCount: got ${JSON.stringify(summary.pointCount)} with ${grid}; expected the number of its grid's points (at least 1), as gradflow sweep writes it`]);
  }
  return input as unknown as SweepTable;
}

/** The number of points of a summary's grid (the product of its value lists' lengths), or undefined if it is not a grid. */
function gridPointCount(grid: unknown): number | undefined {
  if (!isRecord(grid) || !Object.values(grid).every(Array.isArray)) return undefined;
  return Object.values(grid).reduce<number>((count, values) => count * (values as unknown[]).length, 1);
}

function checkResult(input: unknown, path: string): ResultLike {
  const valid = isRecord(input) && isRecord(input.config) && Array.isArray(input.metrics) && Array.isArray(input.stepLosses) && isRecord(input.summary) && typeof input.summary.status === 'string';
  if (!valid) throw new ConfigError([`${path}: not a gradflow result; expected the result.json of a run ({"config", "metrics": [...], "stepLosses": [...], "summary": {"status", ...}})`]);
  return input as unknown as ResultLike;
}

const exists = (path: string) => stat(path).then(
  () => true,
  () => false,
);

/** The shard summaries' one sweep: the first differing pair is named with its folders. */
function sweepOf(tables: readonly ShardFile[]): ShardFile {
  const reference = tables[0]!;
  const other = tables.find((file) => file.table.summary.sweepId !== reference.table.summary.sweepId);
  if (other) {
    throw new ConfigError([
      `shards of different sweeps: ${reference.folder} has sweep ${reference.table.summary.sweepId} (${reference.path}), ${other.folder} has sweep ${other.table.summary.sweepId} (${other.path}); merge the folders of one sweep only`,
    ]);
  }
  return reference;
}

interface MergedPoint {
  readonly folder: string;
  readonly row: SweepRow;
}

/** A point's row, or a note saying why it is not complete; throws for stale or invalid points. */
async function readPoint(point: PointFolder, sweepId: string, pointCount: number): Promise<SweepRow | string> {
  const resultPath = join(point.path, 'result.json');
  if (!(await exists(resultPath))) return `${point.path} has no result.json (interrupted)`;
  const pointPath = join(point.path, 'sweep-point.json');
  if (!(await exists(pointPath))) throw new ConfigError([`${pointPath}: missing; expected the point's {"index", "overrides", "sweepId"} written by gradflow sweep beside its result.json`]);
  const saved = await loadJson(pointPath);
  if (!isRecord(saved) || saved.index !== point.index || !isRecord(saved.overrides) || typeof saved.sweepId !== 'string') {
    throw new ConfigError([`${pointPath}: not the sweep point of point-${point.index}; expected {"index": ${point.index}, "overrides": {...}, "sweepId": "<sha256 hex>"}`]);
  }
  if (saved.sweepId !== sweepId || point.index >= pointCount) {
    throw new ConfigError([
      `${point.path}: stale point of another sweep: its sweep-point.json names sweep ${saved.sweepId}, the shard summaries sweep ${sweepId} (${pointCount} points); delete it or run the sweep into a fresh --out`,
    ]);
  }
  return sweepRow(point.index, saved.overrides, checkResult(await loadJson(resultPath), resultPath));
}

export async function mergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, 'allow-partial': { type: 'boolean' } } });
  if (positionals.length === 0 || !values.out) throw new UsageError('merge takes shard folders (or one folder the shards shared) and --out DIR');
  await checkOutFolder(values.out);
  const folders = [...new Map(positionals.map((folder) => [resolve(folder), folder])).values()];
  const contents: FolderContents[] = [];
  for (const folder of folders) contents.push(await readFolder(folder));
  const tables = contents.flatMap((folder) => folder.tables);
  const reference = sweepOf(tables).table.summary;
  const { sweepId, pointCount } = reference;

  const merged = new Map<number, MergedPoint>();
  const notes: string[] = [];
  for (const point of contents.flatMap((folder) => folder.points).sort((a, b) => a.index - b.index)) {
    const row = await readPoint(point, sweepId, pointCount);
    if (typeof row === 'string') {
      notes.push(row);
      continue;
    }
    const earlier = merged.get(point.index);
    if (earlier) throw new ConfigError([`point ${point.index} appears in more than one folder: ${earlier.folder} and ${point.folder}; merge each point once`]);
    merged.set(point.index, { folder: point.folder, row });
  }
  const missing = Array.from({ length: pointCount }, (_, index) => index).filter((index) => !merged.has(index));
  const shards = tables.map(({ folder, table }) => ({ index: table.summary.shard.index, count: table.summary.shard.count, folder, status: table.summary.status }));
  if (missing.length > 0) {
    const which = `missing ${missing.length} of ${pointCount} points of sweep ${sweepId}: ${missing.join(', ')}`;
    const detail = [`shards found: ${shards.map((shard) => `${shard.index}/${shard.count} (${shard.status}, ${shard.folder})`).join(', ')}`, ...notes];
    if (values['allow-partial'] !== true) throw new ConfigError([which, ...detail, 'run the missing shards again, or merge what there is with --allow-partial']);
    console.warn(`warning: ${which}\n${detail.map((line) => `  ${line}`).join('\n')}`);
  }
  const rows = [...merged.values()].map((point) => point.row);
  const summary: SweepSummary = {
    sweepId,
    pointCount,
    shard: { index: 0, count: 1 },
    status: 'done',
    points: [...merged.keys()],
    batches: tables.flatMap(({ table }) => table.summary.batches).sort((a, b) => (a.points[0] ?? 0) - (b.points[0] ?? 0)),
    wallSeconds: tables.reduce((total, { table }) => total + table.summary.wallSeconds, 0),
    base: reference.base,
    grid: reference.grid,
    overrides: reference.overrides,
    batched: reference.batched,
    shards,
    missing,
  };
  await writeSweepTable(values.out, 'sweep', { summary, rows });
  console.log(`merged ${rows.length} of ${pointCount} points of sweep ${sweepId.slice(0, 12)} from ${shards.length} shard${shards.length === 1 ? '' : 's'} into ${join(values.out, 'sweep.json')} and sweep.csv`);
  return 0;
}
