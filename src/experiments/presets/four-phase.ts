/**
 * The four-phase picture of Wang and Ma 2023 (docs/science.md section 5; seed 000): a two-layer ReLU net from a
 * small initialization trained by small-lr GD with the exponential loss on the paper's data, two clusters
 * x+ (fraction p > 1/2, label +1) and x- (label -1) at an acute angle Delta (data.kind 'two-cluster'), with
 * the phase boundaries read off the logged rows by src/experiments/phase-detection.ts. Phases III and IV
 * are read from activatedOnNegative (positive neurons active on some negative sample, with cosine > 0.01,
 * src/models/two-layer/neuron-metrics.ts): on 'linear-separable' data (a hyperplane through 0, classes on opposite
 * sides) accuracy never plateaus and the all-sample activatedNeurons never drops, so that data shows phase I only.
 */
import { detectPhases } from '../phase-detection';
import type { CheckOutcome, Preset } from '../preset';

/** Condensed: the living neurons (|a_j||w_j| > 10% of the largest) in at most two direction clusters (cosine > 0.99), one per sign of a. */
const CONDENSED_CLUSTERS = 2;
/** The final cluster count the paper's directional convergence predicts (one direction per sign of a), with one spare. */
const FINAL_CLUSTERS_MAX = 3;
/** A plateau spans at least this many logged rows (x metrics.every = 50 steps) at one accuracy below 1: 150 steps, a
 * third of the ~400-step plateau the float64 side simulation of this setting shows. */
const PLATEAU_MIN_ROWS = 3;
/** "A considerable number of neurons" (the paper): at least 3 positive neurons switch off on, and back on to, x-;
 * the setting's ~6 living (11 in all) positive neurons all do. */
const MIN_COUNT_CHANGE = 3;

export const fourPhase: Preset = {
  name: 'four-phase',
  summary: 'Two clusters at an acute angle, small init, small lr: condensation, accuracy plateau, neuron deactivation and reactivation, with detected boundaries.',
  explanation:
    'Wang and Ma 2023 (docs/science.md section 5, seed 000): a standard-scaled two-layer ReLU net with a small initialization (a ~ N(0, 1e-8), w ~ N(0, 1e-8 I/d)) trained by GD at a small lr (close to gradient flow) with the exponential loss on two clusters of unit inputs, x+ (75% of the samples, label +1) and x- (label -1) at an acute angle of 0.6 rad. Watch directionClusters and livingNeurons fall as the living neurons condense onto one direction (the negative neurons die) while the loss sits at its saddle (phase I); training accuracy held at 0.75 on a plateau, every positive neuron firing on x- too, then escaping (II); activatedOnNegative, the positive neurons active on some x- sample, dropping to 0 as they turn away from x- (III, self-simplification) and rising again once negative neurons have grown and the positive ones turn back towards x+ (IV, self-complication) while the directions converge. The check marks the boundaries it detects (src/experiments/phase-detection.ts).',
  plots: ['accuracy', 'livingNeurons', 'activatedOnNegative', 'activatedNeurons', 'directionClusters', 'loss'],
  config: {
    name: 'four-phase',
    seed: 1,
    steps: 3000,
    loss: 'exponential',
    model: { width: 200, scaling: 'standard', init: { aStd: 1e-4, wScale: 1e-4 } },
    data: { kind: 'two-cluster', sampleCount: 200, inputDim: 2, angle: 0.6, positiveFraction: 0.75, noiseRadius: 0.05 },
    // lr 0.05 x the top curvature (O(1) once the neurons are O(1)) stays far below 2: gradient-flow-like.
    optimizer: { rule: 'gd', learningRate: 0.05 },
    metrics: { every: 50, names: ['loss', 'accuracy', 'livingNeurons', 'activatedNeurons', 'activatedOnNegative', 'directionClusters'] },
  },
  // m = 50, n = 60: the float64 side simulation shows condensation by step 100, the plateau 100-400, deactivation
  // by 600 and reactivation by ~1300 (the GPU run: 1100); 1500 steps leave room past it. activatedNeurons (an H
  // read-back per row) is left out to keep the check under 25 s.
  reduced: ['model.width=50', 'data.sampleCount=60', 'steps=1500', 'metrics.names=["loss","accuracy","livingNeurons","activatedOnNegative","directionClusters"]'],
  check: async (ctx): Promise<CheckOutcome> => {
    const result = await ctx.run();
    const detection = detectPhases(result.metrics, { condensedClusters: CONDENSED_CLUSTERS, plateauMinRows: PLATEAU_MIN_ROWS, minCountChange: MIN_COUNT_CHANGE });
    const at = (event: string) => detection.boundaries.find((b) => b.event === event)?.step ?? NaN;
    const measured: Record<string, number> = {
      condensationStep: at('condensation'),
      saddleEscapeStep: at('saddle-escape'),
      plateauStartStep: at('plateau-start'),
      plateauEscapeStep: at('plateau-escape'),
      plateauAccuracy: detection.plateauAccuracy,
      deactivationStep: at('deactivation'),
      reactivationStep: at('reactivation'),
      initialClusters: result.metrics[0]?.directionClusters ?? NaN,
      finalClusters: detection.finalClusters,
      maxActivatedOnNegative: Math.max(...result.metrics.map((row) => row.activatedOnNegative ?? NaN)),
      minActivatedOnNegative: Math.min(...result.metrics.map((row) => row.activatedOnNegative ?? NaN)),
      finalActivatedOnNegative: result.metrics.at(-1)?.activatedOnNegative ?? NaN,
      finalAccuracy: result.metrics.at(-1)?.accuracy ?? NaN,
    };
    const allSix = ['condensationStep', 'saddleEscapeStep', 'plateauStartStep', 'plateauEscapeStep', 'deactivationStep', 'reactivationStep'].every((key) => Number.isFinite(measured[key]));
    return {
      passed: allSix && detection.inOrder && detection.finalClusters <= FINAL_CLUSTERS_MAX,
      claim: `in order: condensation to <= ${CONDENSED_CLUSTERS} clusters and saddle escape (I), an accuracy plateau >= ${PLATEAU_MIN_ROWS} rows then escape (II), positive neurons active on x- drop by >= ${MIN_COUNT_CHANGE} (III) and rise by >= ${MIN_COUNT_CHANGE} again (IV); final clusters <= ${FINAL_CLUSTERS_MAX}`,
      measured,
    };
  },
};

export const FOUR_PHASE_PRESETS: readonly Preset[] = [fourPhase];
