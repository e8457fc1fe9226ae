/**
 * Runs configs that can step together as one run set (runRunSet) and says how they stepped: the lanes, each
 * a list of member indices that one simulation stepped (a batched GPU lane of several members, or a member
 * on its own).
 */
import type { ExperimentConfig } from '../config/schema';
import { runRunSet, type ExperimentResult, type RunOptions } from '../run/run-experiment';

export interface GroupOutcome {
  readonly results: ExperimentResult[];
  /** Member indices (into the configs) per lane, each ascending, lanes in order of their first member. */
  readonly lanes: number[][];
}

export async function runGroup(configs: readonly ExperimentConfig[], options: RunOptions): Promise<GroupOutcome> {
  let lanes: number[][] | undefined;
  const results = await runRunSet(configs, {
    ...options,
    onGroups: (groups) => {
      lanes = groups.map((group) => [...group]);
      options.onGroups?.(groups);
    },
  });
  return { results, lanes: lanes ?? configs.map((_, k) => [k]) };
}
