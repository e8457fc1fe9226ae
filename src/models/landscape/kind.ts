/** The landscape kind (docs/science.md sections 4 and 7): P independent optimizer runs, population metrics at logged steps. */
import { landscapeDimOf } from '../../core/landscape';
import type { ModelKind } from '../model-kind';
import { Float64LandscapeSimulation } from './float64-simulation';
import { landscapeFootprint } from './footprint';
import { GpuLandscapeSimulation } from './gpu-simulation';
import { checkLandscapeConfig } from './checks';
import { startPoints, type LandscapeState } from './problem';

export const landscapeKind: ModelKind<LandscapeState> = {
  async prepare(config) {
    const model = config.model;
    if (model.kind !== 'landscape') throw new TypeError(`landscapeKind: config.model.kind is '${model.kind}'`);
    // Input errors surface here, before a device is requested or a particle moves.
    checkLandscapeConfig(config, model);
    const x0 = startPoints(model);
    const k = landscapeDimOf(model.spec);
    return {
      createSimulation: async (getGpu) => (config.backend === 'float64' ? new Float64LandscapeSimulation(model, x0) : GpuLandscapeSimulation.create(await getGpu(), model, x0)),
      // One submit per logged interval: the GPU accumulates each particle's log-growth once per submitted chunk.
      stepsPerSubmit: config.metrics.every,
      checkpointEvery: config.metrics.every,
      lossMetric: 'meanValue',
      finishRows: (rows) => rows,
      parametersJson: ({ positions }) => {
        return { positions: Array.from({ length: positions.length / k }, (_, p) => Array.from(positions.subarray(p * k, (p + 1) * k))) };
      },
    };
  },
  footprint: landscapeFootprint,
};
