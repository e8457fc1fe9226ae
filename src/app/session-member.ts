/**
 * The members of an app run: the grid points of a config's sweep, or the config itself (a set of one), each
 * with the rows and step losses it has logged so far.
 */
import { expandSweep, type RunSetMember } from '../config/run-set';
import type { ExperimentConfig } from '../config/schema';
import type { MetricsRow } from '../core/simulation';
import type { ReadText } from '../data/create';
import type { PreparedRun } from '../models/model-kind';
import { prepareRun, type ExperimentResult } from '../run/run-experiment';

/** One member of the run: a grid point of the sweep (or the one run of a config without a sweep). */
export interface SessionMember {
  readonly index: number;
  /** The swept values that make this member (path -> value); {} for a single run. */
  readonly overrides: Record<string, unknown>;
  /** "width=64, scaling=ntk": the swept values, each path's last field. */
  readonly label: string;
  readonly config: ExperimentConfig;
  /** One row per logged step. */
  readonly rows: MetricsRow[];
  /** The loss before every step taken. */
  readonly stepLosses: number[];
  /** Its result once the run ended. */
  result?: ExperimentResult;
}

/** "width=64, scaling=ntk": each swept path by its last field. */
export function memberLabel(overrides: Record<string, unknown>): string {
  return Object.entries(overrides).map(([path, value]) => `${path.split('.').at(-1)}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ');
}

/** The config's members: its sweep's grid points, or the config itself. */
export function membersOf(config: ExperimentConfig): RunSetMember[] {
  return config.sweep ? expandSweep(config as unknown as Record<string, unknown>, 'the config') : [{ overrides: {}, config }];
}

/** A run set's weights as {members: [{index, label, overrides, parameters}]}, each member's in its model kind's JSON form. */
export async function membersParametersJson(members: readonly SessionMember[], weights: readonly unknown[], first: PreparedRun, readText?: ReadText): Promise<unknown> {
  return {
    members: await Promise.all(members.map(async ({ index, label, overrides, config }) => {
      const prepared = index === 0 ? first : await prepareRun(config, readText);
      return { index, label, overrides, parameters: prepared.parametersJson(weights[index]) };
    })),
  };
}
