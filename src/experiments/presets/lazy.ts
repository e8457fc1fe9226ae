/**
 * Lazy training and the neural tangent kernel (docs/science.md section 2, seed 002): how far the weights
 * and the NTK move as the width grows under ntk and mean-field scaling, and the loss decay rate
 * that the NTK's smallest eigenvalue guarantees.
 */
import type { CheckContext, CheckOutcome, Preset } from '../preset';
import type { ExperimentResult } from '../../run/run-experiment';
import { logLogSlope } from '../../metrics/log-log-slope';

/** One teacher-student problem shared by both scalings so that only the scaling and the width differ. */
const SWEEP_DATA = { kind: 'teacher-student', sampleCount: 64, testCount: 0, inputDim: 4, teacher: { kind: 'random', width: 3 } } as const;
const SWEEP_STEPS = 200;
const FULL_WIDTHS = [64, 256, 1024, 4096] as const;
const REDUCED_WIDTHS = [64, 256, 1024] as const;
const SWEEP_SCALINGS = ['ntk', 'mean-field'] as const;

/**
 * Accepted slopes of log(distance) and log(kernel change) against log(m). Theory: ntk -1/2, mean-field 0.
 * The max over m neurons grows like sqrt(log m) on top of the 1/sqrt(m) (about +0.1 on the slope over
 * 64..1024), and finite-m corrections are O(1/sqrt(m)), so the ntk window is [-0.8, -0.25] around -1/2;
 * mean-field must stay flat within 0.2 (a factor below 1.75 over a 16x width range).
 */
const NTK_SLOPE_RANGE = [-0.8, -0.25] as const;
const MEAN_FIELD_MAX_ABS_SLOPE = 0.2;

function finalMetric(result: ExperimentResult, name: string): number {
  const value = result.metrics.at(-1)?.[name];
  if (value === undefined || !Number.isFinite(value)) throw new Error(`metric ${name} missing or not finite at the end of ${result.config.name ?? 'run'}`);
  return value;
}

/**
 * The sweep block of a width grid: every width under both scalings, one run set (the members share data, steps and
 * logging). Scaling first, so the members come in the order the check reads them (the last path varies fastest).
 */
const sweepOf = (widths: readonly number[]) => ({ 'model.scaling': [...SWEEP_SCALINGS], 'model.width': [...widths] });

async function checkLazyVsRich(ctx: CheckContext): Promise<CheckOutcome> {
  // The config's sweep (reduced: its reduced grid) is the whole comparison: one run set, every width x scaling.
  const members = await ctx.runSet();
  const widths = [...new Set(members.map((member) => member.overrides['model.width'] as number))];
  const resultOf = (scaling: string, m: number) => {
    const member = members.find((candidate) => candidate.overrides['model.width'] === m && candidate.overrides['model.scaling'] === scaling);
    if (!member) throw new Error(`lazy-vs-rich: no member with model.width=${m}, model.scaling=${scaling}`);
    return member.result;
  };
  const measured: Record<string, number> = {};
  let passed = true;
  let steps = 0;
  for (const scaling of SWEEP_SCALINGS) {
    const distances: number[] = [];
    const kernelChanges: number[] = [];
    for (const m of widths) {
      const result = resultOf(scaling, m);
      if (result.summary.diverged) throw new Error(`${scaling} m=${m}: ${result.summary.status}`);
      steps = result.config.steps;
      distances.push(finalMetric(result, 'distanceFromInitRms'));
      kernelChanges.push(finalMetric(result, 'kernelChange'));
      measured[`${scaling}.m${m}.distMax`] = finalMetric(result, 'distanceFromInitMax');
      measured[`${scaling}.m${m}.distRms`] = distances.at(-1)!;
      measured[`${scaling}.m${m}.dK`] = kernelChanges.at(-1)!;
    }
    const distanceSlope = logLogSlope(widths, distances);
    const kernelSlope = logLogSlope(widths, kernelChanges);
    measured[`${scaling}.distRmsSlope`] = distanceSlope;
    measured[`${scaling}.dKSlope`] = kernelSlope;
    const ok = (slope: number) => (scaling === 'ntk' ? slope >= NTK_SLOPE_RANGE[0] && slope <= NTK_SLOPE_RANGE[1] : Math.abs(slope) < MEAN_FIELD_MAX_ABS_SLOPE);
    passed &&= ok(distanceSlope) && ok(kernelSlope);
  }
  return {
    passed,
    claim:
      `after ${steps} GD steps, log-log slopes against m in {${widths.join(', ')}} of the rms over neurons of |theta_j - theta_j(0)| and |K - K0|_F/|K0|_F ` +
      `lie in [${NTK_SLOPE_RANGE.join(', ')}] for ntk scaling (theory -1/2) and within +-${MEAN_FIELD_MAX_ABS_SLOPE} of 0 for mean-field`,
    measured,
  };
}

const lazyVsRich: Preset = {
  name: 'lazy-vs-rich',
  summary: 'Width sweep: under ntk scaling weights and NTK freeze like 1/sqrt(m); under mean-field scaling they move O(1).',
  explanation:
    'The same teacher-student problem (3 teacher neurons, d = 4, n = 64) trained for 200 full-batch GD steps at widths m = 64 ... 4096, ' +
    'once with the 1/sqrt(m) (ntk) output scaling and once with the 1/m (mean-field) scaling in particle time (docs/science.md section 2, seed 002, ' +
    'after Chizat and Bach "lazy training" and Jacot et al.). Look at distanceFromInitMax (the largest single-neuron displacement) and ' +
    'kernelChange (the relative Frobenius change of the empirical NTK Gram) at the end of each run, on log axes against m: ntk gives a line of ' +
    'slope about -1/2 (lazy: the network is its linearisation), mean-field stays flat (rich: features move). The config is the whole sweep, ' +
    'a run set of 8 members (every width under both scalings) trained together; the check reads each member\'s final metrics.',
  config: {
    name: 'lazy-vs-rich',
    seed: 7,
    steps: SWEEP_STEPS,
    loss: 'square',
    model: { width: 1024, scaling: 'ntk', centered: true },
    sweep: sweepOf(FULL_WIDTHS),
    data: SWEEP_DATA,
    optimizer: { rule: 'gd', learningRate: 0.5 },
    metrics: { every: SWEEP_STEPS, names: ['loss', 'distanceFromInitMax', 'distanceFromInitRms', 'kernelChange'] },
  },
  // Half the steps at twice the rate: the same training time t = lr * steps, at half the cost.
  // Reduced: widths up to 1024 (the sweep block is overridden whole: overrides split their path on '.').
  reduced: [`steps=${SWEEP_STEPS / 2}`, `metrics.every=${SWEEP_STEPS / 2}`, 'optimizer.learningRate=1', `sweep=${JSON.stringify(sweepOf(REDUCED_WIDTHS))}`],
  plots: ['loss', 'distanceFromInitMax', 'distanceFromInitRms', 'kernelChange'],
  check: checkLazyVsRich,
};

/**
 * ntk-convergence: with square loss L = |e|^2 / (2n) and GD flow, de/dt = -(1/n) K e, so
 * dL/dt = -(1/n^2) e^T K e <= -(2 lambda_min / n) L, i.e. log L falls at rate at least 2 lambda_0 / n per unit
 * time t = lr * steps (lambda_0 = min of lambda_min(K) along the run). For small lr GD contracts each eigen-
 * component by (1 - lr lambda_i / n) per step, which satisfies the same bound. We accept the measured rate if
 * it is at least RATE_TOLERANCE times the predicted one (5% for the float32 loss and the discrete-time drift of K).
 */
const RATE_TOLERANCE = 0.95;
const CONVERGENCE_STEPS = 400;
const CONVERGENCE_EVERY = 50;

function minOverRows(result: ExperimentResult, name: string): number {
  const values = result.metrics.map((row) => row[name]).filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (values.length === 0) throw new Error(`metric ${name} never logged`);
  return Math.min(...values);
}

async function checkNtkConvergence(ctx: CheckContext): Promise<CheckOutcome> {
  const result = await ctx.run();
  if (result.summary.diverged) throw new Error(`ntk-convergence: ${result.summary.status}`);
  const { config } = result;
  if (!('sampleCount' in config.data)) throw new Error('ntk-convergence needs a synthetic data set with sampleCount');
  const n = config.data.sampleCount;
  const lr = config.optimizer.learningRate;
  const losses = result.stepLosses;
  const steps = losses.length - 1;
  // The whole run is the window: L(t) <= exp(-2 lambda_0 t / n) L(0) integrates over it.
  const lambda0 = minOverRows(result, 'ntkLambdaMin');
  const predictedRate = (2 * lambda0) / n;
  const rateBetween = (from: number, to: number) => -(Math.log(losses[to]!) - Math.log(losses[from]!)) / (lr * (to - from));
  const measuredRate = rateBetween(0, steps);
  // The last quarter, where the slowest eigen-direction dominates: the sharpest test of the bound.
  const lateRate = rateBetween(Math.round((3 * steps) / 4), steps);
  const passed = lambda0 > 0 && measuredRate >= RATE_TOLERANCE * predictedRate && lateRate >= RATE_TOLERANCE * predictedRate;
  return {
    passed,
    claim:
      `square loss, ntk scaling, GD at lr ${lr}: log L decays at rate >= 2 lambda_0 / n per unit time t = lr * steps ` +
      `(lambda_0 = min over logged steps of lambda_min(K)), over the whole run and its last quarter, within ${RATE_TOLERANCE}`,
    measured: {
      n,
      lambda0,
      lambdaMax: result.metrics[0]?.ntkLambdaMax ?? NaN,
      predictedRate,
      measuredRate,
      ratio: measuredRate / predictedRate,
      lateRate,
      lateRatio: lateRate / predictedRate,
      lossStart: losses[0]!,
      lossEnd: losses[steps]!,
      kernelChange: result.metrics.at(-1)?.kernelChange ?? NaN,
    },
  };
}

const ntkConvergence: Preset = {
  name: 'ntk-convergence',
  summary: 'Wide ntk-scaled net under GD: the loss decays at least as fast as exp(-2 lambda_min(K) t / n).',
  explanation:
    'A wide (m = 4096) two-layer ReLU net with 1/sqrt(m) scaling fits n = 32 teacher-student samples (d = 8) by full-batch GD with a small ' +
    'step (docs/science.md section 2, seed 002; Du et al. 2019, Jacot et al. 2018). With L = |e|^2/(2n) the residual follows de/dt = -(1/n) K e, so ' +
    'L(t) <= exp(-2 lambda_0 t / n) L(0) with t = lr * steps and lambda_0 the smallest NTK eigenvalue along the run. Plot the loss on a log ' +
    'axis against the predicted line from ntkLambdaMin; kernelChange stays small, which is why lambda_min barely moves.',
  config: {
    name: 'ntk-convergence',
    seed: 11,
    steps: CONVERGENCE_STEPS,
    loss: 'square',
    model: { width: 4096, scaling: 'ntk' },
    data: { kind: 'teacher-student', sampleCount: 32, testCount: 0, inputDim: 8, teacher: { kind: 'random', width: 3 } },
    optimizer: { rule: 'gd', learningRate: 0.5 },
    metrics: { every: CONVERGENCE_EVERY, names: ['loss', 'ntkLambdaMin', 'ntkLambdaMax', 'kernelChange'] },
  },
  reduced: ['model.width=1024'],
  plots: ['loss', 'ntkLambdaMin', 'ntkLambdaMax', 'kernelChange'],
  check: checkNtkConvergence,
};

export const LAZY_PRESETS: readonly Preset[] = [lazyVsRich, ntkConvergence];
