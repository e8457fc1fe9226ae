/**
 * float64 twin of src/models/two-layer/batched-trainer.ts: simply N independent Float64Trainer runs, each at
 * its own width, seed and learning rate on its own (or the shared) data set. Nothing is padded or
 * shared between them, so agreeing with it shows that the batched networks really are independent.
 */
import { initialWeights } from '../core/initialization';
import { networkConfig, networkData, type BatchedTrainerConfig } from '../core/batched-network';
import type { TrainingSet } from '../core/network';
import { Float64Trainer } from './two-layer-trainer';
import type { TwoLayerParams } from './two-layer';

export class Float64BatchedTrainer {
  readonly trainers: readonly Float64Trainer[];

  constructor(config: BatchedTrainerConfig, data: TrainingSet | readonly TrainingSet[]) {
    this.trainers = config.networks.map((network, k) => {
      const single = networkConfig(config, k);
      const init = initialWeights({ seed: network.seed, width: network.width, inputDim: config.inputDim, hasBias: config.hasBias });
      return new Float64Trainer(single, init, networkData(data, k));
    });
  }

  /** Runs `stepCount` steps of every network; returns the losses before each step as [stepCount x N]. */
  train(stepCount: number): Float64Array {
    const N = this.trainers.length;
    const losses = new Float64Array(stepCount * N);
    this.trainers.forEach((trainer, k) => {
      trainer.train(stepCount).forEach((loss, t) => (losses[t * N + k] = loss));
    });
    return losses;
  }

  /** Network k's parameters. */
  weights(k: number): TwoLayerParams {
    return this.trainers[k]!.weights;
  }
}
