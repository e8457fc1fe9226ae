/**
 * Sweep files and their points. A sweep file is `{"base": "<preset or config path>", "grid": {...}}`; its
 * points are the grid's cartesian product in sweep order (src/config/run-set.ts), numbered from 0. Shard k
 * of N takes the points with index % N == k. A sweep's identity (sweepId) is the sha256 of the canonical JSON
 * of its resolved base config (command-line overrides applied) and its grid, so every shard of one sweep
 * names the same id and `merge` can refuse output of another.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from '../config/errors';
import { gridPoints, sweepGridSchema, type SweepGrid } from '../config/run-set';
import type { ExperimentConfig } from '../config/schema';
import { unknownFieldProblems } from '../config/field-hints';
import type { Shard } from './shard';

export const sweepSchema = z
  .object({
    /** A preset name, or a path to a config JSON file (relative to the working directory). */
    base: z.string().min(1),
    /** Config path (dot separated) to the list of values it takes. */
    grid: sweepGridSchema,
  })
  .strict()
  .superRefine(({ grid }, context) => {
    // An empty grid has one point, the base: a run, not a sweep. A repeated value runs the same point twice.
    if (Object.keys(grid).length === 0) context.addIssue({ code: 'custom', path: ['grid'], message: 'list at least one config path and its values, e.g. {"model.width": [64, 256]}' });
    for (const [path, values] of Object.entries(grid)) {
      const seen = new Map<string, number>();
      values.forEach((value, k) => {
        const key = canonicalJson(value) ?? 'undefined';
        const first = seen.get(key);
        if (first !== undefined) context.addIssue({ code: 'custom', path: ['grid', path], message: `the value ${key} twice (entries ${first} and ${k} would run the same points); list each value once` });
        else seen.set(key, k);
      });
    }
  });

export type SweepSpec = z.output<typeof sweepSchema>;

export interface SweepPoint {
  readonly index: number;
  /** The swept values: path -> value. */
  readonly overrides: Record<string, unknown>;
}

const SWEEP_FORMAT = '(a sweep file is {"base": "<preset or config path>", "grid": {"<config path>": [values, ...]}})';

export function parseSweep(input: unknown, source: string): SweepSpec {
  const result = sweepSchema.safeParse(input);
  if (result.success) return result.data;
  const got = (path: PropertyKey[]) => {
    const value = path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), input);
    return value === undefined ? 'missing; ' : `got ${JSON.stringify(value)?.slice(0, 80)}; `;
  };
  // A grid path is named as written; an empty one would vanish in "grid.".
  const where = (path: PropertyKey[]) => path.map((key) => (key === '' ? '""' : String(key))).join('.') || '(top level)';
  throw new ConfigError(
    result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? unknownFieldProblems(sweepSchema, input, issue.path, issue.keys).map((problem) => `${problem} ${SWEEP_FORMAT}`)
        : [`${where(issue.path)}: ${got(issue.path)}${issue.message} ${SWEEP_FORMAT}`],
    ),
    source,
  );
}

/** Every point of the grid, numbered in sweep order. */
export function sweepPoints(grid: SweepGrid): SweepPoint[] {
  return gridPoints(grid).map((overrides, index) => ({ index, overrides }));
}

export function shardPoints(points: readonly SweepPoint[], shard: Shard): SweepPoint[] {
  return points.filter((point) => point.index % shard.count === shard.index);
}

/** A point's swept values for a log line: "path=value, ...", each value cut to `width` characters. */
export function shortLabel(overrides: Record<string, unknown>, width = 60): string {
  return Object.entries(overrides)
    .map(([path, value]) => {
      const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
      return `${path}=${text.length > width ? `${text.slice(0, width - 3)}...` : text}`;
    })
    .join(', ');
}

/** JSON with every object's keys sorted, so equal values give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, node: unknown) =>
    node !== null && typeof node === 'object' && !Array.isArray(node) ? Object.fromEntries(Object.entries(node).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : node,
  );
}

/** The sweep's identity: sha256 (hex) of the canonical JSON of the resolved base config and the grid. */
export function sweepId(base: ExperimentConfig, grid: SweepGrid): string {
  return createHash('sha256').update(canonicalJson({ base, grid })).digest('hex');
}
