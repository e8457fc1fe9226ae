/**
 * float64 twin of src/model/two-layer-trainer.ts: the same steps (minibatch from the same
 * counter-based stream, gather, trainStep), for the loss-curve comparisons and the reference backend.
 */
import { RANDOM_STREAMS } from '../model/conventions';
import type { TrainingSet, TwoLayerTrainerConfig, TwoLayerWeights } from '../model/two-layer-trainer';
import { gatherRows } from './particles';
import { sampleBatchIndices } from './random';
import { sampleOnline } from './data';
import { empiricalRisk, trainStep, type TwoLayerParams } from './two-layer';

export class ReferenceTrainer {
  stepsTaken = 0;
  private params: TwoLayerParams;

  constructor(
    readonly config: TwoLayerTrainerConfig,
    init: TwoLayerWeights,
    private readonly data: TrainingSet,
  ) {
    const { width, inputDim } = config;
    this.params = {
      width,
      inputDim,
      a: Float64Array.from(init.a),
      W: Float64Array.from(init.W),
      ...(init.b ? { b: Float64Array.from(init.b) } : {}),
    };
  }

  /** Runs `stepCount` steps; returns the loss before each (on that step's batch). */
  train(stepCount: number): Float64Array {
    const { sampleCount: n, inputDim: d, seed } = this.config;
    const online = this.config.online;
    const batchSize = online?.batchSize ?? this.config.batchSize ?? n;
    const minibatch = !online && (batchSize !== n || this.config.withReplacement === true);
    const losses = new Float64Array(stepCount);
    for (let t = 0; t < stepCount; t++) {
      let X: ArrayLike<number> = this.data.X;
      let y: ArrayLike<number> = this.data.y;
      if (online) ({ X, y } = sampleOnline(online, this.stepsTaken));
      if (minibatch) {
        const indices = sampleBatchIndices(seed, RANDOM_STREAMS.minibatch, this.stepsTaken, n, batchSize, this.config.withReplacement ?? false);
        ({ batchInputs: X, batchTargets: y } = gatherRows(this.data.X, this.data.y, indices, d));
      }
      losses[t] = empiricalRisk(this.params, X, y, batchSize, this.config);
      this.params = trainStep(this.params, X, y, batchSize, this.config);
      this.stepsTaken++;
    }
    return losses;
  }

  setLearningRate(learningRate: number): void {
    (this as { config: TwoLayerTrainerConfig }).config = { ...this.config, learningRate };
  }

  /** Continues from `weights` after `stepsTaken` steps (the minibatch stream position). */
  restore(weights: { a: ArrayLike<number>; W: ArrayLike<number>; b?: ArrayLike<number> }, stepsTaken: number): void {
    const { width, inputDim } = this.config;
    this.params = {
      width,
      inputDim,
      a: Float64Array.from(weights.a),
      W: Float64Array.from(weights.W),
      ...(weights.b ? { b: Float64Array.from(weights.b) } : {}),
    };
    this.stepsTaken = stepsTaken;
  }

  get weights(): TwoLayerParams {
    return this.params;
  }
}
