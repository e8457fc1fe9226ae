/**
 * Generalization presets (docs/science.md sections 3 and 8): benign overfitting of noisy XOR labels and
 * grokking as the lazy-to-rich transition controlled by the output scale alpha.
 */
import type { ExperimentConfigInput } from '../../config/schema';
import type { CheckContext, CheckOutcome, Preset } from '../preset';

type Rows = readonly { readonly step: number; readonly [name: string]: number }[];

const last = (result: { metrics: Rows }, name: string) => result.metrics.at(-1)![name]!;

/** The first logged step whose `name` reaches `threshold`, or Infinity if none does. */
function firstStepReaching(rows: Rows, name: string, threshold: number): number {
  return rows.find((row) => row[name]! >= threshold)?.step ?? Infinity;
}

/** Label-flip fraction of both the train and the test set (xorDataset flips the test labels too). */
const XOR_FLIP = 0.1;

const benignConfig: ExperimentConfigInput = {
  name: 'xor-benign-overfitting',
  steps: 1000,
  stepsPerSubmit: 100,
  loss: 'logistic',
  model: { width: 256, scaling: 'ntk' },
  // d = 128 > n = 200: the flipped samples' noise directions are nearly orthogonal, so the net can memorize them
  // without spoiling the XOR rule that the clean majority carries.
  data: { kind: 'xor', sampleCount: 200, testCount: 1000, inputDim: 128, clusterMean: 1.5, noiseStd: 0.25, flipFraction: XOR_FLIP, seed: 1 },
  optimizer: { rule: 'gd', learningRate: 4 },
  metrics: { every: 100, names: ['loss', 'accuracy', 'testLoss', 'testAccuracy'] },
};

async function checkBenign(ctx: CheckContext): Promise<CheckOutcome> {
  const result = await ctx.run();
  const measured = { trainAccuracy: last(result, 'accuracy'), testAccuracy: last(result, 'testAccuracy'), trainLoss: last(result, 'loss'), bestPossibleTest: 1 - XOR_FLIP };
  // Test labels are flipped at the same rate, so 1 - flip = 0.9 is the Bayes accuracy; benign overfitting keeps test
  // accuracy within 0.1 of it (a net that memorized at the expense of the rule would fall toward 0.5).
  const passed = measured.trainAccuracy >= 0.99 && measured.testAccuracy >= 1 - XOR_FLIP - 0.1;
  return {
    passed,
    claim: `logistic GD fits all XOR training labels including the ${XOR_FLIP * 100}% flipped ones (train accuracy >= 0.99) while test accuracy (test labels flipped alike, best possible ${1 - XOR_FLIP}) stays >= ${(1 - XOR_FLIP - 0.1).toFixed(1)}`,
    measured,
  };
}

/** Output scales compared: alpha = 1 (rich, mean-field features move O(1)) and alpha = 30 (lazy). */
const RICH_ALPHA = 1;
const LAZY_ALPHA = 30;
/** Base particle-time lr; each alpha runs at lr / alpha^2, the same function-space speed at step 0 (tests/engine/centered.test.ts). */
const GROK_LR = 4;
const GROK_THRESHOLD = 0.88;
const GROK_FACTOR = 4;

function grokConfig(alpha: number): ExperimentConfigInput {
  return {
    name: 'grokking-lazy-to-rich',
    steps: 300,
    stepsPerSubmit: 50,
    loss: 'logistic',
    model: { width: 512, scaling: 'mean-field', alpha, centered: true },
    // mu = 1, sigma = 0.5 in d = 32 with n = 200: the XOR rule lives in 2 of 32 coordinates, so it pays to learn them.
    data: { kind: 'xor', sampleCount: 200, testCount: 1000, inputDim: 32, clusterMean: 1, noiseStd: 0.5, seed: 2 },
    optimizer: { rule: 'gd', learningRate: GROK_LR / (alpha * alpha) },
    metrics: { every: 5, names: ['loss', 'accuracy', 'testLoss', 'testAccuracy'] },
  };
}

async function checkGrok(ctx: CheckContext): Promise<CheckOutcome> {
  // One run set of the two alphas (same data, steps and logging). They are two bases rather than a sweep block: the
  // lr follows alpha (lr / alpha^2), and a grid sets each path independently, so no grid holds just these two.
  const [rich, lazy] = (await ctx.runSet([], [grokConfig(RICH_ALPHA), grokConfig(LAZY_ALPHA)])).map((member) => member.result);
  if (!rich || !lazy) throw new Error('grokking-lazy-to-rich: the run set lacks a member');
  const measured = {
    richStep: firstStepReaching(rich.metrics, 'testAccuracy', GROK_THRESHOLD),
    lazyStep: firstStepReaching(lazy.metrics, 'testAccuracy', GROK_THRESHOLD),
    richTrainStep: firstStepReaching(rich.metrics, 'accuracy', 0.99),
    lazyTrainStep: firstStepReaching(lazy.metrics, 'accuracy', 0.99),
    richFinalTest: last(rich, 'testAccuracy'),
    lazyFinalTest: last(lazy, 'testAccuracy'),
  };
  // Lazy training moves the features by O(1/alpha) only, so it must fit XOR through the initial kernel, which uses all
  // 32 coordinates: at equal function-space speed its test accuracy climbs several times more slowly (measured
  // 10x reduced, 7x full); the claim asks for 4x, with the rich run reaching the threshold within the budget at all.
  const passed = Number.isFinite(measured.richStep) && measured.lazyStep >= GROK_FACTOR * measured.richStep;
  return {
    passed,
    claim: `on XOR clusters (d = 32) the centered net with alpha = ${LAZY_ALPHA} (lr / alpha^2) reaches test accuracy ${GROK_THRESHOLD} at least ${GROK_FACTOR}x later than with alpha = ${RICH_ALPHA} (steps logged every 5)`,
    measured,
  };
}

export const GENERALIZATION_PRESETS: readonly Preset[] = [
  {
    name: 'xor-benign-overfitting',
    summary: 'Benign overfitting: a two-layer ReLU net fits XOR cluster data with 10% flipped labels exactly, yet still predicts the clean XOR rule on fresh data.',
    explanation:
      'Four Gaussian clusters at (+-mu, +-mu, 0, ..., 0) in d = 128 carry the XOR label y = s1 s2, and 10% of the labels (train and test alike) are flipped (docs/science.md section 8, seed 003: benign overfitting on XOR clusters). Logistic-loss GD on an NTK-scaled ReLU net drives the training accuracy to 1, memorizing the flipped samples through their nearly orthogonal high-dimensional noise, while the test accuracy stays close to the best possible 0.9. Watch accuracy reach 1 while testAccuracy levels off near 1 - flipFraction instead of collapsing.',
    config: benignConfig,
    // n = 100, d = 64, 400 steps: train accuracy reaches 1 by step ~160 at this size.
    reduced: ['steps=400', 'metrics.every=80', 'data.sampleCount=100', 'data.inputDim=64'],
    plots: ['accuracy', 'testAccuracy', 'loss', 'testLoss'],
    check: checkBenign,
  },
  {
    name: 'grokking-lazy-to-rich',
    summary: 'The output scale alpha of a centered net controls laziness: alpha = 30 reaches good XOR test accuracy several times later than alpha = 1.',
    explanation:
      'Grokking as the lazy-to-rich transition (docs/science.md section 8, seed 003): the centered model f = alpha (f_theta - f_theta0) with lr / alpha^2 moves in function space at the same initial speed for every alpha, but with large alpha the hidden features barely move, so the net fits its training labels through the initial kernel and its test accuracy rises slowly, while alpha = 1 (mean-field, rich) picks out the two XOR coordinates within a few steps. The preset runs alpha = 1; the check trains it together with alpha = 30 (a run set of two; the config holds only alpha = 1, since its lr is tied to alpha and a sweep block varies each path on its own). Watch testAccuracy against accuracy: the lazy run reaches train accuracy 1 while test accuracy is still climbing. At this size the lazy run does catch up within 300 steps (and its test loss ends lower, as the rich run overfits in loss), so this shows the delay, not a failure of the kernel.',
    config: grokConfig(RICH_ALPHA),
    // Width 128 and 120 steps: both thresholds are crossed well before step 120 (measured rich 5, lazy 50; a lazy run that never gets there counts as later).
    reduced: ['model.width=128', 'steps=120'],
    plots: ['accuracy', 'testAccuracy', 'loss', 'testLoss'],
    check: checkGrok,
  },
];
