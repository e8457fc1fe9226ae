/**
 * Implicit bias of (S)GD: stability selects flat and uniform minima (docs/science.md section 4).
 * Both presets use the ntk scaling, so the update factor is 1 and sharpness / non-uniformity are
 * plain Hessian quantities compared directly with 2/lr and sqrt(B)/lr. They log sharpnessParticleTime,
 * the sharpness in the update rule's units (equal to sharpness here), the one to hold against 2/lr.
 */
import type { CheckContext, CheckOutcome, MemberResult, Preset } from '../preset';
import type { ExperimentResult } from '../../run/run-experiment';

/** Final value of a logged metric (the last row that has it). */
function last(result: ExperimentResult, name: string): number {
  const row = [...result.metrics].reverse().find((r) => typeof r[name] === 'number');
  return row ? (row[name] as number) : NaN;
}

function first(result: ExperimentResult, name: string): number {
  const row = result.metrics.find((r) => typeof r[name] === 'number');
  return row ? (row[name] as number) : NaN;
}

// ---- sharpness-vs-lr -------------------------------------------------------------------------

/**
 * Learning-rate grids. The ntk-scaled net on digits 0-vs-1 starts with sharpness 2.9-5.8 at full size
 * (seeds 1-12) and 2.4-7.4 reduced (seeds 1-16), so the edge lrs have 2/lr <= 2 below every initial
 * sharpness, and the small lr has 2/lr = 20 far above it. lr 0.5 and 0.7 (2/lr = 4, 2.9) sit inside the
 * spread of initial sharpness, so their regime depends on the seed: they are left out. The grid is
 * the config's sweep block (one run set); the config's own lr 1 is the first edge lr. Reduced stops at 1.5:
 * with 72 samples and 64 neurons, lr 2 spikes the loss (up to ~34) and leaves 3 of 16 seeds stuck at
 * loss ~0.25 (dead ReLUs): past the range where GD still finds a minimum.
 */
const FULL_EDGE_LEARNING_RATES = [1, 1.5, 2, 2.5, 3] as const;
const REDUCED_EDGE_LEARNING_RATES = [1, 1.25, 1.5] as const;
const SMALL_LEARNING_RATES = [0.1] as const;
/** The sharpness statistic averages the rows from this fraction of the run on: the state GD settled in, not one sample. */
const LATE_FROM_FRACTION = 0.5;
/** GD settled at a minimum: the loss fell at least this factor (sharpness at a loss plateau says nothing about minima). */
const SETTLED_LOSS_FACTOR = 0.1;
/**
 * GD cannot settle where sharpness > 2/lr (linear instability); at the edge of stability it hovers
 * at 2/lr and may overshoot it a little while oscillating: 10 % slack for that. Applied to every row
 * of the late window, not only to its mean.
 */
const STABILITY_SLACK = 0.1;
/**
 * Edge of stability: at the edge lrs the run starts above 2/lr, catapults (the loss spikes) and lands
 * below 2/lr. Where it lands varies by seed: late sharpness 0.40-1.02 x 2/lr over 60 full-size runs
 * (seeds 1-12) and 0.34-1.02 over 48 reduced ones. One run in ten lands under 0.5 (5 of 12 at lr 1),
 * in a flatter region the catapult overshot into, so ">= 0.5" at one given lr fails on some seeds.
 * The claim is therefore made on the mean over the edge lrs (seed table: 0.95-0.98 each; measured
 * mean 0.65-0.82 full, 0.69-0.98 reduced), with a per-lr floor that a collapse to a flat region
 * (e.g. 0.1 x 2/lr) fails.
 */
const EDGE_MEAN_FRACTION = 0.5;
const EDGE_FLOOR_FRACTION = 0.25;
/**
 * Small lr (2/lr above the initial sharpness): the run keeps its natural sharpness, well below 2/lr
 * (seed: 53.5/200), and does not flatten: at least half its initial value (measured 0.71-1.38).
 */
const SMALL_LR_FRACTION = 0.5;
const NATURAL_KEEP_FRACTION = 0.5;

/** Rows of the last part of a run that carry the metric. */
function lateValues(result: ExperimentResult, name: string): number[] {
  const from = LATE_FROM_FRACTION * result.config.steps;
  return result.metrics.filter((r) => r.step >= from && typeof r[name] === 'number').map((r) => r[name] as number);
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** The sweep block: one member per lr, edge lrs first, then the small ones (all share the digits data, steps and logging). */
const sharpnessSweep = (edgeRates: readonly number[]) => ({ 'optimizer.learningRate': [...edgeRates, ...SMALL_LEARNING_RATES] });

async function checkSharpnessVsLr(ctx: CheckContext): Promise<CheckOutcome> {
  // The config's sweep (reduced: its reduced grid) is every lr: one run set, read member by member in its order.
  const members = await ctx.runSet();
  const rateOf = (member: MemberResult) => member.overrides['optimizer.learningRate'] as number;
  const isSmall = (lr: number) => (SMALL_LEARNING_RATES as readonly number[]).includes(lr);
  const edgeRates = members.map(rateOf).filter((lr) => !isSmall(lr));
  const measured: Record<string, number> = {};
  let passed = true;
  const edgeRatios: number[] = [];
  for (const member of members) {
    const lr = rateOf(member);
    const { result } = member;
    const bound = 2 / lr;
    const initial = first(result, 'sharpnessParticleTime');
    const late = lateValues(result, 'sharpnessParticleTime');
    const lateMean = late.length > 0 ? mean(late) : NaN;
    const lateMax = late.length > 0 ? Math.max(...late) : NaN;
    const ratio = lateMean / bound;
    // Every run starts from the same weights (one seed), so one initial sharpness describes them all.
    measured.initialSharpness ??= initial;
    measured[`lr${lr}_late`] = lateMean;
    measured[`lr${lr}_ratio`] = ratio;
    measured[`lr${lr}_loss`] = result.summary.finalLoss;
    // A sharpness stopped at the Lanczos cap is only known to lie near some eigenvalue: it cannot carry the claim.
    const unconverged = result.metrics.filter((row) => row.sharpnessConverged === 0).length;
    if (unconverged > 0) measured[`lr${lr}_unconverged`] = unconverged;
    const settled = result.summary.finalLoss <= SETTLED_LOSS_FACTOR * first(result, 'loss');
    if (result.summary.diverged || unconverged > 0 || !settled || late.length < 2 || !(lateMax <= bound * (1 + STABILITY_SLACK))) passed = false;
    if (!isSmall(lr)) {
      edgeRatios.push(ratio);
      // The premise: GD starts where it cannot stay. A grid lr that starts stable did not test the edge.
      if (!(initial > bound) || !(ratio >= EDGE_FLOOR_FRACTION)) passed = false;
    } else if (!(initial < bound) || !(ratio <= SMALL_LR_FRACTION) || !(lateMean >= NATURAL_KEEP_FRACTION * initial)) {
      passed = false;
    }
  }
  measured.edgeMeanRatio = mean(edgeRatios);
  if (!(measured.edgeMeanRatio >= EDGE_MEAN_FRACTION)) passed = false;
  return {
    passed,
    claim:
      `GD (square loss, digits 0 vs 1; sharpness = mean over the last ${(1 - LATE_FROM_FRACTION) * 100} % of the run, loss fallen ${1 / SETTLED_LOSS_FACTOR}x) ` +
      `never exceeds 2/lr * ${1 + STABILITY_SLACK} late in the run; at lr ${edgeRates.join('/')} (2/lr below the initial sharpness) ` +
      `sharpness/(2/lr) averages >= ${EDGE_MEAN_FRACTION} over the lrs, each >= ${EDGE_FLOOR_FRACTION}; ` +
      `at lr ${SMALL_LEARNING_RATES.join('/')} it stays <= ${SMALL_LR_FRACTION} * 2/lr and >= ${NATURAL_KEEP_FRACTION} x its initial value`,
    measured,
  };
}

const SHARPNESS_VS_LR: Preset = {
  name: 'sharpness-vs-lr',
  summary: 'Full-batch GD on digits 0 vs 1 (square loss) at several lrs: where 2/lr is under the initial sharpness, GD ends under 2/lr and of its order (edge of stability).',
  explanation:
    'Reproduces the pattern of the seed\'s Table 1 (Cohen et al.: FashionMNIST sharpness 53.5, 39.3, 19.6, 3.9, 1.9 for lr 0.01..1 ' +
    'against 2/lr = 200, 40, 20, 4, 2) on the shipped scikit-learn digits (0 vs 1, +-1 regression targets, square loss) with an ' +
    'ntk-scaled two-layer ReLU net trained by full-batch GD (docs/science.md section 4). The initial sharpness (largest Hessian ' +
    'eigenvalue) is about 3-6. Where 2/lr is below it (lr 1 to 3), GD cannot converge there: the loss spikes for a few steps ' +
    '(a catapult) and GD lands in a flatter region whose sharpness sits under 2/lr, at 0.4-1.0 x 2/lr depending on the seed, ' +
    'and there it stays or creeps back up towards 2/lr. Where 2/lr is large (lr 0.1), the sharpness stays at its natural value. ' +
    'On this easy task the loss is nearly zero within ~50 steps, so the slow progressive sharpening that takes FashionMNIST runs ' +
    'back up to 2/lr has little time to act. The config is a run set of one member per lr (1, 1.5, 2, 2.5, 3 and 0.1), trained ' +
    'together from the same weights; the check averages the sharpness over the second half of each member\'s run. The data is a file: the caller must pass ' +
    'readText in the run options (the CLI does; tests pass node:fs/promises readFile).',
  config: {
    name: 'sharpness-vs-lr',
    seed: 1,
    steps: 200,
    loss: 'square',
    model: { width: 128, scaling: 'ntk' },
    data: { kind: 'digits', path: 'data/digits.csv', classes: { positive: [1], negative: [0] }, labels: 'regression', testFraction: 0.2 },
    optimizer: { rule: 'gd', learningRate: 1 },
    sweep: sharpnessSweep(FULL_EDGE_LEARNING_RATES),
    // Lanczos is the expensive part: every 20 steps gives the catapult's shape and 6 rows for the late mean (~6 s per lr).
    metrics: { every: 20, names: ['loss', 'sharpnessParticleTime'] },
  },
  // 72 training samples (testFraction 0.8), 64 neurons, 150 steps: settled (loss ~1e-2) in ~2 s per lr; 4 late rows.
  reduced: ['model.width=64', 'data.testFraction=0.8', 'steps=150', 'metrics.every=25', `sweep=${JSON.stringify(sharpnessSweep(REDUCED_EDGE_LEARNING_RATES))}`],
  plots: ['loss', 'sharpnessParticleTime'],
  check: checkSharpnessVsLr,
};

// ---- noise-alignment -------------------------------------------------------------------------

/**
 * mu = Tr(Sigma G) / (2 L |G|_F^2) is O(1) when the SGD noise is aligned with the Hessian (decoupling
 * Sigma ~ 2 L G gives mu = 1); [0.2, 5] is a factor 5 either way, and measured values stay in [0.6, 3.6]
 * (seeds 1-30 at lr 1, full and reduced).
 */
const MU_RANGE = [0.2, 5] as const;
/** s <= sqrt(B)/lr is an approximate necessary condition of linear stability: 10 % slack as for sharpness. */
const UNIFORMITY_SLACK = 0.1;
/** "After the first steps": rows from this fraction of the run on. */
const MU_FROM_FRACTION = 0.2;
/** An SGD solution: the loss fell by at least this factor. */
const CONVERGED_FACTOR = 0.05;
/** Teacher-student training set size; the GD control uses it as its batch (B = n is full-batch GD). */
const TEACHER_SAMPLE_COUNT = 64;

/** The SGD batch B (the GD control's is TEACHER_SAMPLE_COUNT). */
const SGD_BATCH = 2;

async function checkNoiseAlignment(ctx: CheckContext): Promise<CheckOutcome> {
  // One run set (the config's sweep): SGD and its GD control, from the same weights on the same data.
  const members = await ctx.runSet();
  const memberWith = (batchSize: number) => {
    const member = members.find((candidate) => candidate.overrides['optimizer.batchSize'] === batchSize);
    if (!member) throw new Error(`noise-alignment: no member with optimizer.batchSize=${batchSize}`);
    return member.result;
  };
  const result = memberWith(SGD_BATCH);
  const { steps } = result.config;
  const lr = result.config.optimizer.learningRate;
  const B = result.config.optimizer.batchSize ?? NaN;
  const bound = Math.sqrt(B) / lr;
  const mus = result.metrics.filter((r) => r.step >= MU_FROM_FRACTION * steps && typeof r.sgdAlignment === 'number').map((r) => r.sgdAlignment as number);
  const muMin = Math.min(...mus);
  const muMax = Math.max(...mus);
  const sInitial = first(result, 'nonUniformity');
  const sFinal = last(result, 'nonUniformity');
  const lossInitial = first(result, 'loss');
  const lossFinal = last(result, 'loss');
  const passed =
    !result.summary.diverged &&
    mus.length >= 2 &&
    muMin >= MU_RANGE[0] &&
    muMax <= MU_RANGE[1] &&
    lossFinal <= CONVERGED_FACTOR * lossInitial &&
    // the bound must bind: the initial point violates it, so SGD had to move to a more uniform minimum
    sInitial > bound &&
    sFinal <= bound * (1 + UNIFORMITY_SLACK);
  // Control: GD from the same start (B = n, no noise) is not held to sqrt(B)/lr and keeps a non-uniform
  // minimum (measured s 1.6-3.3 over seeds 1-30, full and reduced), so the drop above is SGD's doing.
  const gd = memberWith(TEACHER_SAMPLE_COUNT);
  const sFinalGd = last(gd, 'nonUniformity');
  const gdControlHolds = !gd.summary.diverged && last(gd, 'loss') <= CONVERGED_FACTOR * first(gd, 'loss') && sFinalGd > bound;
  return {
    passed: passed && gdControlHolds,
    claim:
      `SGD (B=${B}, lr=${lr}, square loss): mu stays in [${MU_RANGE[0]}, ${MU_RANGE[1]}] after ${MU_FROM_FRACTION * 100} % of the run, ` +
      `and the solution (loss < ${CONVERGED_FACTOR} x initial) has non-uniformity s <= sqrt(B)/lr * ${1 + UNIFORMITY_SLACK} although it started above sqrt(B)/lr; ` +
      `GD (B=${TEACHER_SAMPLE_COUNT}) from the same start converges with s > sqrt(${B})/lr`,
    measured: { muMin, muMax, sInitial, sFinal, sqrtBOverLr: bound, sFinalGd, sharpnessFinal: last(result, 'sharpnessParticleTime'), twoOverLr: 2 / lr, lossInitial, lossFinal },
  };
}

const NOISE_ALIGNMENT: Preset = {
  name: 'noise-alignment',
  summary: 'SGD (B = 2, lr = 1) on a two-layer net: noise alignment mu stays O(1) and the solution has s <= sqrt(B)/lr.',
  explanation:
    'The SGD noise covariance Sigma is aligned with the Hessian/Gram G (docs/science.md section 4, seeds 000/001/003): the alignment ' +
    'factor mu = Tr(Sigma G) / (2 L |G|_F^2), computed from the NTK Gram and the residuals, stays of order one throughout training. ' +
    'Linear stability of SGD then requires not only sharpness <= 2/lr but also non-uniformity s <= sqrt(B)/lr. Here an ntk-scaled ' +
    'two-layer ReLU net (128 neurons) fits a 3-neuron teacher (64 samples, d = 8) by SGD with B = 2 and lr = 1: the initial ' +
    'weights have s ~ 2.1, 1.5 times sqrt(B)/lr ~ 1.41, and SGD ends at a minimum with s ~ 0.6, below the bound, while GD from ' +
    'the same start (the control: the config is a run set of two members, B = 2 and B = 64 = n, trained together) ends at s ~ 2.3. At lr 1.5 and 2 the bound is tighter, but SGD blows up within ' +
    'the first ~50 steps on a fifth to over half of the seeds; at lr 1 nearly every seed (29 of 30) reaches a solution. ' +
    'Watch sgdAlignment over the run and nonUniformity against sqrt(B)/lr; sharpness is logged against 2/lr for comparison.',
  config: {
    name: 'noise-alignment',
    seed: 1,
    steps: 400,
    loss: 'square',
    model: { width: 128, scaling: 'ntk' },
    data: { kind: 'teacher-student', sampleCount: TEACHER_SAMPLE_COUNT, inputDim: 8, teacher: { kind: 'random', width: 3 } },
    optimizer: { rule: 'gd', learningRate: 1, batchSize: SGD_BATCH },
    sweep: { 'optimizer.batchSize': [SGD_BATCH, TEACHER_SAMPLE_COUNT] },
    metrics: { every: 50, names: ['loss', 'sgdAlignment', 'nonUniformity', 'sharpnessParticleTime'] },
  },
  reduced: ['model.width=64', 'steps=300', 'metrics.every=100'],
  plots: ['loss', 'sgdAlignment', 'nonUniformity', 'sharpnessParticleTime'],
  check: checkNoiseAlignment,
};

export const IMPLICIT_BIAS_PRESETS: readonly Preset[] = [SHARPNESS_VS_LR, NOISE_ALIGNMENT];
