/**
 * Presets of the phase pictures of training (docs/science.md sections 3 and 5): the quenching-activation
 * of an over-realized student learning one teacher neuron, and the early-stage loss drop of
 * Wang and Ma on orthogonally separable data.
 */
import type { CheckOutcome, Preset } from '../preset';

/** A neuron is living above this fraction of the largest |a_j| |w_j| (docs/science.md section 3; the metric's default). */
const LIVING_FRACTION = 0.1;

/**
 * Quenching: the living count must first rise to at least half the width (every neuron grows, close
 * to the random-feature model: 17 of 20 at the reduced size) and then fall to at most
 * QUENCH_FINAL_MAX, the teacher's M = 1 with room for two slowly dying neurons (the reduced run
 * sits at 1-2 once quenched; a failed quench stays near the peak).
 */
const QUENCH_PEAK_FRACTION = 0.5;
const QUENCH_FINAL_MAX = 3;

const quenchingActivation: Preset = {
  name: 'quenching-activation',
  summary: 'Over-realized student (a = 0, w ~ N(0, I/d)) learning one ReLU neuron on the population risk: all neurons grow, then all but about one are quenched.',
  explanation:
    'Teacher-student with a single teacher neuron y = relu(x_1) and a standard-scaled student of m = 100 neurons in d = 200, started at a = 0, w ~ N(0, I/d), trained by GD on fresh samples every step (population risk) (docs/science.md section 3; seeds 001, 003: the quenching-activation picture). Watch livingNeurons, the count of neurons whose |a_j| |w_j| exceeds 10% of the largest: it first jumps to almost all m (the neurons grow together, as in the random-feature model), then falls to about 1 as one neuron keeps growing and the others are quenched; pathNorm sum_j |a_j| |w_j| rises and then settles near the teacher value 1 while the loss keeps falling.',
  plots: ['livingNeurons', 'pathNorm', 'loss'],
  config: {
    name: 'quenching-activation',
    seed: 1,
    steps: 3000,
    loss: 'square',
    online: true,
    model: { width: 100, scaling: 'standard', init: { aStd: 0 } },
    data: { kind: 'teacher-student', sampleCount: 256, inputDim: 200, teacher: { kind: 'single-neuron' } },
    // lr times the top curvature in a (about m E[relu(w.x)]^2 ~ m / 6) stays well below 2.
    optimizer: { rule: 'gd', learningRate: 0.04, batchSize: 256 },
    metrics: { every: 25, names: ['loss', 'livingNeurons', 'pathNorm'] },
  },
  // m = 20 neurons in d = 20: the count peaks at lr * steps ~ 10 and is down to 2 by lr * steps ~ 40 (the same curve at lr 0.05 and 0.25).
  reduced: ['model.width=20', 'data.inputDim=20', 'optimizer.learningRate=0.25', 'steps=200', 'metrics.every=20'],
  check: async (ctx): Promise<CheckOutcome> => {
    const result = await ctx.run();
    const width = result.config.model.kind === 'two-layer' ? result.config.model.width : NaN;
    const living = result.metrics.map((row) => row.livingNeurons ?? NaN);
    const peak = Math.max(...living);
    const peakIndex = living.indexOf(peak);
    const final = living.at(-1) ?? NaN;
    const minPeak = Math.max(5, Math.ceil(QUENCH_PEAK_FRACTION * width));
    return {
      passed: peak >= minPeak && final <= QUENCH_FINAL_MAX && peakIndex < living.length - 1,
      claim: `living neurons (|a_j||w_j| > ${LIVING_FRACTION} x max) rise to >= ${minPeak} of m = ${width}, then fall to <= ${QUENCH_FINAL_MAX} (teacher M = 1)`,
      measured: { peakLiving: peak, peakStep: result.metrics[peakIndex]?.step ?? NaN, finalLiving: final, finalLoss: result.summary.finalLoss },
    };
  },
};

/**
 * Early stage: the loss halves (an Omega(1) drop from its initial value ~1) within EARLY_TIME / lr
 * steps, for two learning rates a factor 2 apart (Theta(1/lr)). At the reduced size it halves at
 * lr * steps ~ 4; the budget 8 leaves a factor 2. The halving times in lr units must agree within
 * a factor EARLY_RATIO_MAX, the signature of gradient flow time rather than a step count.
 */
const EARLY_TIME = 8;
const EARLY_DROP = 0.5;
const EARLY_RATIO_MAX = 1.5;
const EARLY_RATES = [0.1, 0.05] as const;

const earlyStage: Preset = {
  name: 'early-stage',
  summary: 'Orthogonally separable data, exponential loss, small lr: the loss falls by a constant fraction within Theta(1/lr) steps.',
  explanation:
    'The early stage of Wang and Ma 2022 (docs/science.md section 5, seed 000): two classes in opposite orthant cones (x_i . x_j >= 0 within a class, <= 0 across), inputs on the sphere, exponential loss, a mean-field two-layer ReLU net of width m = Omega(log n) trained by GD in particle time. Watch the loss: from about 1 at initialisation it falls by a constant fraction within a time lr * steps of order 1, the same for every small lr (the check halves lr and finds the same halving time in lr * steps units); accuracy reaches 1 within the first few tens of steps.',
  plots: ['loss', 'accuracy'],
  config: {
    name: 'early-stage',
    seed: 1,
    steps: 160,
    loss: 'exponential',
    model: { width: 64, scaling: 'mean-field' },
    data: { kind: 'orthogonal-separable', sampleCount: 1024, inputDim: 32, inputs: 'sphere' },
    optimizer: { rule: 'gd', learningRate: 0.05 },
    metrics: { every: 10, names: ['loss', 'accuracy'] },
  },
  // n = 64 samples in d = 10 with m = 16 >= log n neurons.
  reduced: ['model.width=16', 'data.sampleCount=64', 'data.inputDim=10'],
  check: async (ctx): Promise<CheckOutcome> => {
    const measured: Record<string, number> = {};
    let passed = true;
    const halfTimes: number[] = [];
    // Not a run set: each lr runs for its own EARLY_TIME / lr steps (logged at the end), and the members of a set share
    // their step count and logging, so the two lrs are two runs (a shared length would change what is measured).
    for (const lr of EARLY_RATES) {
      const steps = Math.ceil(EARLY_TIME / lr);
      const result = await ctx.run([`optimizer.learningRate=${lr}`, `steps=${steps}`, `metrics.every=${steps}`]);
      const losses = result.stepLosses;
      const initial = losses[0] ?? NaN;
      const final = result.summary.finalLoss;
      const half = losses.findIndex((loss) => loss <= EARLY_DROP * initial);
      const halfTime = half < 0 ? Infinity : half * lr;
      halfTimes.push(halfTime);
      measured[`initialLoss@lr=${lr}`] = initial;
      measured[`lossAfter${steps}Steps@lr=${lr}`] = final;
      measured[`halvingTime(lr*steps)@lr=${lr}`] = halfTime;
      passed &&= final <= EARLY_DROP * initial;
    }
    const ratio = Math.max(...halfTimes) / Math.min(...halfTimes);
    measured.halvingTimeRatio = ratio;
    passed &&= ratio <= EARLY_RATIO_MAX;
    return {
      passed,
      claim: `for lr in {${EARLY_RATES.join(', ')}} the loss falls below ${EARLY_DROP} x its initial value within ${EARLY_TIME}/lr steps, at halving times lr*steps agreeing within x${EARLY_RATIO_MAX}`,
      measured,
    };
  },
};

export const PHASE_PRESETS: readonly Preset[] = [quenchingActivation, earlyStage];
