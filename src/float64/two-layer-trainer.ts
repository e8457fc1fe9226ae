/**
 * float64 twin of src/models/two-layer/trainer.ts: the same steps (minibatch from the same
 * counter-based stream, gather, then plain GD, an optimizer rule, SAM or a JKO step), for the
 * loss-curve comparisons and the float64 backend. A centered model (config.centered) subtracts
 * f0 = f_theta0 on the train set, computed once from the initial weights and gathered with each batch.
 */
import { RANDOM_STREAMS } from '../core/conventions';
import type { TrainingSet, TwoLayerTrainerConfig, TwoLayerWeights } from '../core/network';
import { gatherRows, normalizeRows } from './particles';
import { sampleBatchIndices } from '../core/random';
import { sampleOnline } from '../data/sampling';
import { centeringOffset, empiricalRisk, gradients, trainStep, type TwoLayerOptions, type TwoLayerParams } from './two-layer';
import { createOptimizerState, jkoStep, optimizerStep, samStep, type GradientFunction, type Float64OptimizerState } from './optim';
import { checkLearningRate, isPlainGd, jkoTau, learningRateProblem, rateAt, scheduleRateProblem, sphereProblem, stepScales } from '../core/update-settings';

export class Float64Trainer {
  stepsTaken = 0;
  private params: TwoLayerParams;
  /** lr0, the run's base rate in the scaling's own units: the config's until setLearningRate replaces it. */
  private baseRate: number;
  /** Optimizer state (velocity, moments, sums), for rules that keep one. */
  optimizerState: Float64OptimizerState | undefined;
  /** f0 [n] = f_theta0 on the train set, when the model is centered. */
  readonly outputOffset: Float64Array | undefined;

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
    const sphere = sphereProblem(config);
    if (sphere) throw new RangeError(`Float64Trainer: sphere ${sphere}`);
    const rateProblem = learningRateProblem(config, config.learningRate);
    if (rateProblem) throw new RangeError(`Float64Trainer: learningRate ${rateProblem}`);
    const scheduleProblem = scheduleRateProblem(config);
    if (scheduleProblem) throw new RangeError(`Float64Trainer: schedule.learningRate ${scheduleProblem}`);
    this.baseRate = config.learningRate;
    if (config.centered && config.online) {
      // f0 of fresh samples would need the initial network at every step (see src/models/two-layer/problem.ts).
      throw new RangeError('Float64Trainer: a centered model cannot train online (fresh samples have no f0)');
    }
    this.outputOffset = config.centered ? centeringOffset(this.params, data.X, config.sampleCount, config) : undefined;
    if (!isPlainGd(config) && !config.jko) {
      this.optimizerState = createOptimizerState(config.optimizer ?? { kind: 'gd' }, this.tensors().map((t) => t.length));
    }
  }

  private tensors(params: TwoLayerParams = this.params): Float64Array[] {
    return params.b ? [params.a, params.W, params.b] : [params.a, params.W];
  }

  private fromTensors(tensors: readonly Float64Array[]): TwoLayerParams {
    const { width, inputDim } = this.config;
    return { width, inputDim, a: tensors[0]!, W: tensors[1]!, ...(tensors[2] ? { b: tensors[2] } : {}) };
  }

  /** One update of the configured rule on the batch (X, y); `options` carries the batch's f0 when centered. */
  private update(X: ArrayLike<number>, y: ArrayLike<number>, batchSize: number, options: TwoLayerOptions): void {
    const config = this.config;
    const step = this.stepsTaken;
    if (isPlainGd(config)) {
      this.params = trainStep(this.params, X, y, batchSize, { ...options, learningRate: this.baseRate });
      // The sphere's retraction w <- (w - lr g) / |w - lr g| (docs/science.md section 1).
      if (config.sphere) this.params = { ...this.params, W: normalizeRows(this.params.W, config.inputDim) };
      return;
    }
    const scale = stepScales(config);
    const scales = this.params.b ? [scale.a, scale.w, scale.w] : [scale.a, scale.w];
    const gradientAt: GradientFunction = (tensors) => {
      const g = gradients(this.fromTensors(tensors as Float64Array[]), X, y, batchSize, options);
      return { grads: g.gradB ? [g.gradA, g.gradW, g.gradB] : [g.gradA, g.gradW], loss: g.loss };
    };
    if (config.jko) {
      const { innerSteps, innerLearningRate } = config.jko;
      const tau = jkoTau({ ...config, jko: config.jko }, this.baseRate);
      this.params = this.fromTensors(jkoStep(gradientAt, this.tensors(), scales, { tau, innerSteps, innerLearningRate }).params);
      return;
    }
    const rule = config.optimizer ?? { kind: 'gd' };
    const tensors = this.tensors().map((t) => t.slice());
    const info = { stepIndex: step, learningRate: rateAt(config, step, this.baseRate) };
    if (rule.kind === 'sam') samStep(rule, tensors, gradientAt, scales, this.optimizerState!, info);
    else {
      const { grads, loss } = gradientAt(tensors);
      optimizerStep(rule, tensors, grads, scales, this.optimizerState!, { ...info, ...(loss !== undefined ? { loss } : {}) });
    }
    this.params = this.fromTensors(tensors);
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
      let offset: ArrayLike<number> | undefined = this.outputOffset;
      if (online) ({ X, y } = sampleOnline(online, this.stepsTaken));
      if (minibatch) {
        const indices = sampleBatchIndices(seed, RANDOM_STREAMS.minibatch, this.stepsTaken, n, batchSize, this.config.withReplacement ?? false);
        ({ batchInputs: X, batchTargets: y } = gatherRows(this.data.X, this.data.y, indices, d));
        // f0 travels with its sample: the same gather on f0 as a one-column matrix.
        if (offset) offset = gatherRows(offset, offset, indices, 1).batchInputs;
      }
      const options: TwoLayerOptions = offset ? { ...this.config, outputOffset: offset } : this.config;
      losses[t] = empiricalRisk(this.params, X, y, batchSize, options);
      this.update(X, y, batchSize, options);
      this.stepsTaken++;
    }
    return losses;
  }

  /** lr0: the base rate of the next step (a schedule runs its shape from it, JKO's tau moves with it). */
  get learningRate(): number {
    return this.baseRate;
  }

  /** Replaces lr0 from the next step on (InvalidLearningRateError for a rate no step can take). */
  setLearningRate(learningRate: number): void {
    this.baseRate = checkLearningRate(this.config, learningRate);
  }

  /** The optimizer state as arrays: each state name's tensors in sorted name order, then the running norm sum. */
  get optimizerStateArrays(): Float64Array[] {
    const state = this.optimizerState;
    if (!state) return [];
    const names = Object.keys(state.perTensor).sort() as (keyof typeof state.perTensor)[];
    return [...names.flatMap((name) => state.perTensor[name]!.map((t) => t.slice())), Float64Array.of(state.gradientNormSquaredSum)];
  }

  /** Continues from `weights` after `stepsTaken` steps (the minibatch stream position), with the optimizer state if given. */
  restore(weights: { a: ArrayLike<number>; W: ArrayLike<number>; b?: ArrayLike<number> }, stepsTaken: number, optimizerState: readonly ArrayLike<number>[] = []): void {
    const { width, inputDim } = this.config;
    this.params = {
      width,
      inputDim,
      a: Float64Array.from(weights.a),
      W: Float64Array.from(weights.W),
      ...(weights.b ? { b: Float64Array.from(weights.b) } : {}),
    };
    this.stepsTaken = stepsTaken;
    const state = this.optimizerState;
    if (!state) return;
    const names = Object.keys(state.perTensor).sort() as (keyof typeof state.perTensor)[];
    let k = 0;
    for (const name of names) {
      state.perTensor[name] = state.perTensor[name]!.map((tensor) => (optimizerState[k] ? Float64Array.from(optimizerState[k++]!) : new Float64Array(tensor.length)));
    }
    state.gradientNormSquaredSum = optimizerState[k]?.[0] ?? 0;
  }

  get weights(): TwoLayerParams {
    return this.params;
  }
}
