/**
 * A run set's configs prepared: each member through its model kind, the members its kind can batch
 * grouped into lanes (GPU only), the rest stepping as their own simulations. The float64 backend runs
 * every member on its own, member by member. A set of one is exactly the single run. Before any member's data is
 * built, the set's estimated footprint is checked against the host's free memory (and, for GPU members, against
 * what any adapter can index); once the simulation gets its device, against that device's buffer limits
 * (preflight.ts), so a run that cannot fit is a ConfigError naming its fields, not a failed allocation.
 */
import type { ExperimentConfig } from '../../config/schema';
import { ConfigError } from '../../config/errors';
import { runSetProblem } from '../../config/run-set';
import type { ReadText } from '../../data/create';
import type { GpuContext } from '../../gpu/device';
import type { Simulation } from '../../core/simulation';
import { MODEL_KINDS } from '../kinds';
import type { BatchedGroup, PreparedRun } from '../model-kind';
import { availableHostBudget } from './host-memory';
import { gpuProblems, hostProblems, softwareGpuProblems, throwProblems, type GpuBufferLimits, type HostBudget } from './preflight';
import { RunSetSimulation, type RunSetPart } from './run-set-simulation';

export interface PreparedRunSet {
  /** Each member's own preparation (its rows' finishing, its parameters' JSON). */
  readonly members: readonly PreparedRun[];
  /** How the members step: lanes of several, and members on their own (singletons), in member order of their first member. */
  readonly groups: readonly (readonly number[])[];
  /** The set's simulation at step 0 (also after a device loss, before its checkpoint is restored). */
  createSimulation(getGpu: () => Promise<GpuContext>): Promise<Simulation<unknown>>;
}

/** What the pre-flight checks measure against; each is found out when absent. */
export interface PreflightOptions {
  /** Default: what this process can allocate now (availableHostBudget). */
  readonly hostBudget?: HostBudget;
  /** The device's limits, when the caller has its device before the data is built: checked then, as well as on every device the simulation gets. */
  readonly gpuLimits?: GpuBufferLimits;
}

export async function prepareRunSet(configs: readonly ExperimentConfig[], readText?: ReadText, preflight: PreflightOptions = {}): Promise<PreparedRunSet> {
  const problem = runSetProblem(configs);
  if (problem) throw new ConfigError([problem], 'run set');
  throwProblems(configs, [...hostProblems(configs, preflight.hostBudget ?? availableHostBudget()), ...gpuProblems(configs, preflight.gpuLimits)]);
  const kind = MODEL_KINDS[configs[0]!.model.kind];
  const members = await Promise.all(configs.map((config) => kind.prepare(config, readText)));
  const checkedGpu = (getGpu: () => Promise<GpuContext>) => withDeviceCheck(configs, getGpu, preflight.hostBudget);
  if (members.length === 1) return { members, groups: [[0]], createSimulation: (getGpu) => members[0]!.createSimulation(checkedGpu(getGpu)) };
  const batched: readonly BatchedGroup[] = configs[0]!.backend === 'gpu' ? (kind.batchedGroups?.(members, preflight.gpuLimits) ?? []) : [];
  const inLanes = new Set(batched.flatMap((group) => group.members));
  const alone = members.map((_, k) => k).filter((k) => !inLanes.has(k));
  const groups = [...batched.map((group) => group.members), ...alone.map((k) => [k])].sort((a, b) => a[0]! - b[0]!);
  return {
    members,
    groups,
    async createSimulation(uncheckedGpu) {
      const getGpu = checkedGpu(uncheckedGpu);
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

/**
 * `getGpu` whose every device is checked against the set's footprint before a part builds anything on it: each
 * buffer within the device's limits and, on a software adapter, all of them within the host's free memory (at the
 * first device only: later parts would see the earlier ones' buffers as memory already taken).
 */
function withDeviceCheck(configs: readonly ExperimentConfig[], getGpu: () => Promise<GpuContext>, hostBudget: HostBudget | undefined): () => Promise<GpuContext> {
  let first = true;
  return async () => {
    const gpu = await getGpu();
    const software = gpu.isFallbackAdapter && first ? softwareGpuProblems(configs, (hostBudget ?? availableHostBudget()).availableBytes) : [];
    first = false;
    throwProblems(configs, [...gpuProblems(configs, gpu.device.limits), ...software]);
    return gpu;
  };
}
