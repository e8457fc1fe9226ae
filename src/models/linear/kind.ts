/** The linear model kind (docs/science.md section 6): one run from w0 = 0, metrics at log-spaced steps. */
import type { ModelKind } from '../model-kind';
import { Float64LinearSimulation } from './float64-simulation';
import { linearFootprint } from './footprint';
import { GpuLinearSimulation } from './gpu-simulation';
import { linearLogSteps, linearRunSettings, linearTrainingSet, loadTrain, type LinearWeights } from './problem';
import { linearMetrics } from './linear-metrics';

export const linearKind: ModelKind<LinearWeights> = {
  async prepare(config, readText) {
    const model = config.model;
    if (model.kind !== 'linear') throw new TypeError(`linearKind: config.model.kind is '${model.kind}'`);
    const settings = linearRunSettings(config);
    const train = linearTrainingSet(await loadTrain(config, readText));
    const metrics = linearMetrics(train);
    return {
      createSimulation: async (getGpu) =>
        config.backend === 'float64' ? new Float64LinearSimulation(train, settings, metrics) : GpuLinearSimulation.create(await getGpu(), train, settings, model.stepsPerDispatch, metrics),
      // One submit runs one dispatch of up to stepsPerDispatch steps (the GPU loops over them in registers);
      // checkpoints land on dispatch boundaries, so they never cut a dispatch short.
      stepsPerSubmit: model.stepsPerDispatch,
      checkpointEvery: Math.ceil(config.checkpointEvery / model.stepsPerDispatch) * model.stepsPerDispatch,
      metricSteps: linearLogSteps(model, config.steps, config.metrics.every),
      lossMetric: 'loss',
      finishRows: (rows) => rows,
      parametersJson: ({ w }) => ({ w: Array.from(w) }),
    };
  },
  footprint: linearFootprint,
};
