/** The sizes a two-layer run's arrays multiply (src/models/two-layer/footprint.ts), read from its config. */
import type { NetworkExperimentConfig } from '../../config/schema';
import { stateNames } from '../../core/update-rules';
import { dataSizes } from '../data-footprint';
import { field, type SizeFactor } from '../footprint';

export interface NetworkSizes {
  /** n, the test set's size, d (absent where the config does not give them: a CSV file). */
  readonly samples?: SizeFactor;
  readonly testSamples?: SizeFactor;
  readonly inputs?: SizeFactor;
  /** m. */
  readonly width: SizeFactor;
  /** B, the samples of one step: optimizer.batchSize, or n for full batch. */
  readonly batch?: SizeFactor;
  /** A step trains on a gathered minibatch or fresh samples, not on X itself. */
  readonly gathersBatch: boolean;
  /** Parameters per neuron, d + 1 (+ 1 with a bias): p = m x this. */
  readonly perNeuron: SizeFactor;
  /** Arrays of the first layer's size the update keeps: the rule's moments or sums, SAM's saved weights, JKO's anchor. */
  readonly stateCopies: number;
  readonly hasBias: boolean;
}

export function networkSizes(config: NetworkExperimentConfig): NetworkSizes {
  const { model, optimizer } = config;
  const data = dataSizes(config.data);
  const batchSize = optimizer.batchSize;
  const gathersBatch = config.online || optimizer.withReplacement || (batchSize !== undefined && batchSize !== data.samples?.value);
  const perNeuronValue = (data.inputs?.value ?? 1) + 1 + (model.bias ? 1 : 0);
  return {
    ...data,
    width: field('model.width', model.width),
    ...(batchSize !== undefined ? { batch: field('optimizer.batchSize', batchSize) } : data.samples ? { batch: data.samples } : {}),
    gathersBatch,
    perNeuron: { field: `(data.inputDim + ${perNeuronValue - (data.inputs?.value ?? 1)})`, value: perNeuronValue, setBy: data.inputs?.setBy ?? (data.inputs ? [data.inputs.field] : []) },
    stateCopies: stateNames(optimizer.rule).length + (optimizer.jko ? 1 : 0),
    hasBias: model.bias,
  };
}
