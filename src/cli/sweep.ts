/**
 * Sweeps: a grid of config overrides over a base (preset or config). Points are numbered in a fixed
 * order, and shard k of N (0 <= k < N) takes the points with index % N == k, so any batch scheduler
 * (a Slurm job array, a Kubernetes indexed Job) can run shards independently; `merge` joins them.
 */
import { z } from 'zod';
import { ConfigError } from '../config/errors';

export const sweepSchema = z
  .object({
    /** A preset name, or a path to a config JSON file. */
    base: z.string().min(1),
    /** Config path (dot separated) to the list of values it takes. */
    grid: z.record(z.string().min(1), z.array(z.unknown()).min(1)),
  })
  .strict();

export type SweepSpec = z.output<typeof sweepSchema>;

export interface SweepPoint {
  readonly index: number;
  /** `--set` style overrides: path -> value. */
  readonly overrides: Record<string, unknown>;
}

export function parseSweep(input: unknown, source: string): SweepSpec {
  const result = sweepSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`), source);
}

/** The cartesian product of the grid, the last key varying fastest. */
export function sweepPoints(spec: SweepSpec): SweepPoint[] {
  const keys = Object.keys(spec.grid);
  let combos: Record<string, unknown>[] = [{}];
  for (const key of keys) combos = combos.flatMap((combo) => spec.grid[key]!.map((value) => ({ ...combo, [key]: value })));
  return combos.map((overrides, index) => ({ index, overrides }));
}

/** Parses "k/N" (0 <= k < N). */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index >= count) throw new ConfigError([`--shard ${text}: expected k/N with 0 <= k < N, e.g. 0/4`]);
  return { index, count };
}

export function shardPoints(points: readonly SweepPoint[], shard: { index: number; count: number }): SweepPoint[] {
  return points.filter((point) => point.index % shard.count === shard.index);
}

/** "a.b=value" strings for applyOverrides. */
export function overridesAsSet(overrides: Record<string, unknown>): string[] {
  return Object.entries(overrides).map(([path, value]) => `${path}=${JSON.stringify(value)}`);
}
