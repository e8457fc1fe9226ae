/**
 * Run sets: several configs trained together, stepping in lockstep. What members may differ in
 * (widths, rates, seeds, scalings, output scales, centering, batch sizes, trainable parts, optimizers)
 * and what they must share (the data, the run's length and logging) is declared here once; the CLI's
 * sweep grouping, the presets and the app all read it.
 *
 * A sweep grid maps config paths to the values they take; its points are the grid's cartesian product,
 * the last path varying fastest, and each point is the base config with those values set.
 */
import { z } from 'zod';
import { applyOverrides, parseConfig, type ExperimentConfig } from './schema';
import { ConfigError } from './errors';

/** Config path (dot separated) -> the values it takes across a sweep. */
export const sweepGridSchema = z.record(z.string().min(1), z.array(z.unknown()).min(1));
export type SweepGrid = z.output<typeof sweepGridSchema>;

/** The fields every member of a run set shares: one data set, one length, one logging cadence, one backend. */
export const RUN_SET_SHARED_FIELDS = ['model.kind', 'backend', 'steps', 'stepsPerSubmit', 'checkpointEvery', 'metrics', 'data', 'online', 'kernels'] as const;

/** The grid's points as path -> value records, in sweep order (the last path varies fastest). */
export function gridPoints(grid: SweepGrid): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [path, values] of Object.entries(grid)) points = points.flatMap((point) => values.map((value) => ({ ...point, [path]: value })));
  return points;
}

/** "a.b=value" strings for applyOverrides. */
export function overridesAsSet(overrides: Record<string, unknown>): string[] {
  return Object.entries(overrides).map(([path, value]) => `${path}=${JSON.stringify(value)}`);
}

/** A short label of a point: "model.width=64, model.scaling=ntk" (values as JSON, strings bare). */
export function pointLabel(overrides: Record<string, unknown>): string {
  return Object.entries(overrides).map(([path, value]) => `${path}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ');
}

export interface RunSetMember {
  /** The swept values that make this member (path -> value). */
  readonly overrides: Record<string, unknown>;
  readonly config: ExperimentConfig;
}

/**
 * The members of a config that carries a `sweep` block: the base (without the block) with each grid point set,
 * each validated on its own. A config without one is a set of one. Members that cannot step together
 * (a grid over a shared field) fail here with the field named.
 */
export function expandSweep(input: Record<string, unknown>, source = 'config'): RunSetMember[] {
  const { sweep, ...base } = input;
  if (sweep === undefined) return [{ overrides: {}, config: parseConfig(base, source) }];
  const grid = sweepGridSchema.safeParse(sweep);
  if (!grid.success) throw new ConfigError(grid.error.issues.map((issue) => `sweep.${issue.path.join('.')}: ${issue.message}`), source);
  const members = gridPoints(grid.data).map((overrides) => ({ overrides, config: parseConfig(applyOverrides(base, overridesAsSet(overrides)), `${source} (sweep point ${pointLabel(overrides)})`) }));
  const problem = runSetProblem(members.map((member) => member.config));
  if (problem) throw new ConfigError([`sweep: ${problem}`], source);
  return members;
}

function valueAt(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), config);
}

/** What the members' shared fields are, as one comparable string. */
export function sharedKey(config: ExperimentConfig): string {
  return JSON.stringify(RUN_SET_SHARED_FIELDS.map((path) => valueAt(config, path)));
}

/** Why these configs cannot run as one set (the first shared field that differs), or undefined. */
export function runSetProblem(configs: readonly ExperimentConfig[]): string | undefined {
  if (configs.length === 0) return 'a run set needs at least one member';
  for (const path of RUN_SET_SHARED_FIELDS) {
    const first = JSON.stringify(valueAt(configs[0], path));
    const k = configs.findIndex((config) => JSON.stringify(valueAt(config, path)) !== first);
    if (k >= 0) {
      const shown = (value: unknown) => (JSON.stringify(value) ?? 'undefined').slice(0, 120);
      return `${path} must be the same for every member of a run set: member 0 has ${shown(valueAt(configs[0], path))}, member ${k} has ${shown(valueAt(configs[k], path))}`;
    }
  }
  return undefined;
}

/** Indices of configs that can step together, grouped (first appearance order; within a group, ascending). */
export function runSetGroups(configs: readonly ExperimentConfig[]): number[][] {
  const groups = new Map<string, number[]>();
  configs.forEach((config, index) => {
    const key = sharedKey(config);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  return [...groups.values()];
}
