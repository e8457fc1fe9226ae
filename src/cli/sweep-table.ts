/**
 * The sweep table: sweep.json ({ summary, rows }) and sweep.csv, one row per point (its index, the swept
 * values, its status and its final logged metrics). `gradflow sweep` writes it for its shard, `merge` for the
 * joined shards and `gradflow run` for a config with a sweep block; all three build rows the same way, from
 * the result as result.json holds it, so a merged table equals the unsharded one value for value.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-file';
import type { Shard } from './shard';

export type SweepRow = Record<string, unknown>;

/** How points were grouped: one run set (batch) of points, and within it the lanes that stepped as one simulation. */
export interface SweepBatch {
  readonly points: readonly number[];
  readonly lanes: readonly (readonly number[])[];
}

export interface SweepSummary {
  readonly sweepId: string;
  /** Points of the whole sweep (every shard). */
  readonly pointCount: number;
  readonly shard: Shard;
  /** "running" while the shard works (its file is written first), "done" at the end. */
  readonly status: 'running' | 'done';
  /** The points this table covers, ascending. */
  readonly points: readonly number[];
  readonly batches: readonly SweepBatch[];
  readonly wallSeconds: number;
  /** The sweep file's base and grid, and the command-line overrides (as --set strings). */
  readonly base: string;
  readonly grid: Record<string, readonly unknown[]>;
  readonly overrides: readonly string[];
  /** False with --no-batch: every point ran on its own. */
  readonly batched: boolean;
  /** merge: the shards joined, and the points no shard delivered. */
  readonly shards?: readonly { readonly index: number; readonly count: number; readonly folder: string; readonly status: string }[];
  readonly missing?: readonly number[];
}

export interface SweepTable {
  readonly summary: SweepSummary;
  readonly rows: readonly SweepRow[];
}

/** What a row needs of a result, as result.json holds it (non-finite numbers written as strings there). */
export interface ResultLike {
  readonly metrics: readonly Record<string, unknown>[];
  readonly summary: { readonly status: string };
}

export function sweepRow(index: number, overrides: Record<string, unknown>, result: ResultLike): SweepRow {
  const last = result.metrics.at(-1) ?? { step: 0 };
  return { index, ...overrides, status: result.summary.status, ...last };
}

function csv(rows: readonly SweepRow[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const lines = [columns.join(','), ...rows.map((row) => columns.map((column) => (row[column] === undefined ? '' : JSON.stringify(row[column]))).join(','))];
  return `${lines.join('\n')}\n`;
}

/** Writes `<name>.json` and `<name>.csv` into `directory`; returns their paths. */
export async function writeSweepTable(directory: string, name: string, table: SweepTable): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const files = [join(directory, `${name}.json`), join(directory, `${name}.csv`)];
  await writeFileAtomically(files[1]!, csv(table.rows));
  await writeFileAtomically(files[0]!, `${JSON.stringify(table, null, 2)}\n`);
  return files;
}

/** The file name (without .json) of shard k of N's table. */
export function shardTableName(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}`;
}

export const SHARD_TABLE_PATTERN = /^shard-(\d+)-of-(\d+)\.json$/;
export const POINT_FOLDER_PATTERN = /^point-(\d+)$/;
