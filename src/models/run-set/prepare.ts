/**
 * A run set's configs prepared: each member through its model kind, the members its kind can batch
 * grouped into lanes (GPU only), the rest stepping as their own simulations. The float64 backend runs
 * every member on its own, member by member. A set of one is exactly the single run.
 */
import type { ExperimentConfig } from '../../config/schema';
import { ConfigError } from '../../config/errors';
import { runSetProblem } from '../../config/run-set';
import type { ReadText } from '../../data/create';
import type { GpuContext } from '../../gpu/device';
import type { Simulation } from '../../core/simulation';
import { MODEL_KINDS } from '../kinds';
import type { BatchedGroup, PreparedRun } from '../model-kind';
import { RunSetSimulation, type RunSetPart } from './run-set-simulation';

export interface PreparedRunSet {
  /** Each member's own preparation (its rows' finishing, its parameters' JSON). */
  readonly members: readonly PreparedRun[];
  /** How the members step: lanes of several, and members on their own (singletons), in member order of their first member. */
  readonly groups: readonly (readonly number[])[];
  /** The set's simulation at step 0 (also after a device loss, before its checkpoint is restored). */
  createSimulation(getGpu: () => Promise<GpuContext>): Promise<Simulation<unknown>>;
}

export async function prepareRunSet(configs: readonly ExperimentConfig[], readText?: ReadText): Promise<PreparedRunSet> {
  const problem = runSetProblem(configs);
  if (problem) throw new ConfigError([problem], 'run set');
  const kind = MODEL_KINDS[configs[0]!.model.kind];
  const members = await Promise.all(configs.map((config) => kind.prepare(config, readText)));
  if (members.length === 1) return { members, groups: [[0]], createSimulation: (getGpu) => members[0]!.createSimulation(getGpu) };
  const batched: readonly BatchedGroup[] = configs[0]!.backend === 'gpu' ? (kind.batchedGroups?.(members) ?? []) : [];
  const inLanes = new Set(batched.flatMap((group) => group.members));
  const alone = members.map((_, k) => k).filter((k) => !inLanes.has(k));
  const groups = [...batched.map((group) => group.members), ...alone.map((k) => [k])].sort((a, b) => a[0]! - b[0]!);
  return {
    members,
    groups,
    async createSimulation(getGpu) {
      const parts: RunSetPart[] = [];
      try {
        for (const group of batched) parts.push({ members: group.members, simulation: await group.createSimulation(getGpu), listsMembers: true });
        for (const k of alone) parts.push({ members: [k], simulation: await members[k]!.createSimulation(getGpu), listsMembers: false });
      } catch (error) {
        for (const part of parts) part.simulation.destroy();
        throw error;
      }
      // Member 0's part first: the set's learning rate and device are its.
      parts.sort((a, b) => a.members[0]! - b.members[0]!);
      return new RunSetSimulation(parts);
    },
  };
}
