/**
 * The two-layer network kind (docs/science.md section 0): the loss of every step, metrics every metrics.every
 * steps. In a GPU run set, members that can share a lane (lanes.ts) step together in one BatchedGpuSimulation.
 */
import type { NetworkExperimentConfig } from '../../config/schema';
import type { Weights } from '../../core/simulation';
import type { ModelKind, PreparedRun } from '../model-kind';
import { BatchedGpuSimulation } from './batched-simulation';
import { withEnergyResidual } from './energy-residual';
import { Float64Simulation } from './float64-simulation';
import { twoLayerFootprint } from './footprint';
import { GpuSimulation } from './gpu-simulation';
import { weightsToJson } from './init-file';
import { laneWidthLimit, planLanes } from './lanes';
import { buildProblem, type Problem } from './problem';

/** Each prepared run's problem and logged metrics, for grouping a run set's members into lanes. */
const prepared = new WeakMap<PreparedRun<Weights>, { problem: Problem; metricNames: readonly string[] }>();

export const twoLayerKind: ModelKind<Weights> = {
  async prepare(config, readText) {
    const problem = await buildProblem(config, readText);
    const run: PreparedRun<Weights> = {
      createSimulation: async (getGpu) => (config.backend === 'float64' ? new Float64Simulation(problem) : GpuSimulation.create(await getGpu(), problem, config.metrics.names)),
      stepsPerSubmit: config.stepsPerSubmit,
      checkpointEvery: config.checkpointEvery,
      lossMetric: 'loss',
      finishRows: (rows, stepLosses) => (config.metrics.names.includes('energyResidual') ? withEnergyResidual(rows, stepLosses, config) : rows),
      parametersJson: (weights) => weightsToJson(weights, problem.trainer.inputDim),
    };
    prepared.set(run, { problem, metricNames: config.metrics.names });
    return run;
  },

  footprint(config) {
    if (config.model.kind !== 'two-layer') throw new TypeError(`twoLayerKind: config.model.kind is '${config.model.kind}'`);
    return twoLayerFootprint(config as NetworkExperimentConfig);
  },

  batchedGroups(runs, limits) {
    const members = runs.map((run) => prepared.get(run)!);
    const problems = members.map((member) => member.problem);
    // A lane of one is the single run with extra copies: only lanes of several batch.
    return planLanes(problems, undefined, limits ? laneWidthLimit(problems, limits) : Infinity)
      .filter((lane) => lane.length > 1)
      .map((lane) => ({
        members: lane,
        createSimulation: async (getGpu) => BatchedGpuSimulation.create(await getGpu(), lane.map((k) => members[k]!.problem), members[lane[0]!]!.metricNames),
      }));
  },
};
