/** The two-layer network kind (docs/science.md section 0): the loss of every step, metrics every metrics.every steps. */
import type { Weights } from '../../core/simulation';
import type { ModelKind } from '../model-kind';
import { withEnergyResidual } from './energy-residual';
import { Float64Simulation } from './float64-simulation';
import { GpuSimulation } from './gpu-simulation';
import { weightsToJson } from './init-file';
import { buildProblem } from './problem';

export const twoLayerKind: ModelKind<Weights> = {
  async prepare(config, readText) {
    const problem = await buildProblem(config, readText);
    return {
      createSimulation: async (getGpu) => (config.backend === 'float64' ? new Float64Simulation(problem) : GpuSimulation.create(await getGpu(), problem, config.metrics.names)),
      stepsPerSubmit: config.stepsPerSubmit,
      checkpointEvery: config.checkpointEvery,
      lossMetric: 'loss',
      finishRows: (rows, stepLosses) => (config.metrics.names.includes('energyResidual') ? withEnergyResidual(rows, stepLosses, config) : rows),
      parametersJson: (weights) => weightsToJson(weights, problem.trainer.inputDim),
    };
  },
};
