/**
 * A two-layer run's footprint from its config (the rule of src/models/footprint.ts): the data and the initial
 * weights drawn on the host, then per backend the training arrays (training-footprint.ts), the logged metrics'
 * scratch (metric-footprint.ts) and the run log. A lane of a GPU run set (lanes.ts) holds its members side by
 * side in buffers N times a member's; the lane's own shape check (checkBatchShape) guards those.
 */
import type { NetworkExperimentConfig } from '../../config/schema';
import { dataBuffers } from '../data-footprint';
import { footprintOf, type RunFootprint } from '../footprint';
import { runLogBuffers } from '../log-footprint';
import { networkSizes } from './footprint-sizes';
import { metricBuffers } from './metric-footprint';
import { float64TrainingBuffers, gpuHostBuffers, gpuTrainingBuffers, initialWeightBuffers } from './training-footprint';

export function twoLayerFootprint(config: NetworkExperimentConfig): RunFootprint {
  const sizes = networkSizes(config);
  const { backend } = config;
  const metrics = metricBuffers(sizes, {
    names: config.metrics.names,
    backend,
    firstLayerTrains: config.model.trainable !== 'second',
    ...(config.metrics.lanczos?.maxIterations !== undefined ? { lanczosIterations: config.metrics.lanczos.maxIterations } : {}),
  });
  return footprintOf([
    ...dataBuffers(config.data),
    ...initialWeightBuffers(sizes, config),
    ...(backend === 'gpu' ? [...gpuTrainingBuffers(sizes, config), ...gpuHostBuffers(sizes)] : float64TrainingBuffers(sizes)),
    ...metrics,
    ...runLogBuffers(config, true),
  ]);
}
