/**
 * Presets on toy landscapes (docs/science.md sections 4 and 7): every particle is one optimizer run, so a
 * claim about "almost every start" or "the fraction of runs" is measured over thousands of them.
 */
import { lyapunovExponent, meanSquareGrowth } from '../../models/landscape/stability';
import { twoPointCurvatures } from '../../core/landscape';
import type { ExperimentConfigInput } from '../../config/schema';
import type { ExperimentResult } from '../../run/run-experiment';
import type { CheckContext, CheckOutcome, MemberResult, Preset } from '../preset';

const last = (result: { metrics: { [name: string]: number }[] }, name: string) => result.metrics.at(-1)![name]!;

/** f = (f1 + f2)/2, f_i = min(x^2, c_i (x - 1)^2), started next to the sharp minimum x = 1. */
const escapeConfig: ExperimentConfigInput = {
  name: 'sgd-escape',
  steps: 500,
  model: {
    kind: 'landscape',
    // exitAnchor 1, radius 0.5: a particle "escaped" once it left the basin of x = 1.
    spec: { kind: 'escape', particleCount: 4096, learningRate: 0.7, batchSize: 1, exitAnchor: [1], exitRadius: 0.5, seed: 1 },
    start: { point: [1 - 1e-5] },
    target: [0],
    targetRadius: 1e-3,
  },
  // SGD (B = 1) and full-batch GD: f has n = 2 components, and B = n without replacement is full-batch GD
  // (componentSamplingOf, src/core/landscape.ts), the same runs as no batchSize at all. One run set.
  sweep: { 'model.spec.batchSize': [1, 2] },
  metrics: { every: 50, names: ['meanValue', 'escapedFraction', 'nearTargetFraction', 'meanSquaredNorm'] },
};

/** The member of a landscape run set whose swept `path` took `value`. */
function memberWith(members: readonly MemberResult[], path: string, value: unknown): ExperimentResult {
  const member = members.find((candidate) => JSON.stringify(candidate.overrides[path]) === JSON.stringify(value));
  if (!member) throw new Error(`no run-set member with ${path}=${JSON.stringify(value)}`);
  return member.result;
}

async function checkEscape(ctx: CheckContext): Promise<CheckOutcome> {
  const members = await ctx.runSet();
  const sgd = memberWith(members, 'model.spec.batchSize', 1);
  const gd = memberWith(members, 'model.spec.batchSize', 2);
  const measured = {
    sgdEscaped: last(sgd, 'escapedFraction'),
    sgdAtZero: last(sgd, 'nearTargetFraction'),
    gdEscaped: last(gd, 'escapedFraction'),
    gdMeanSquare: last(gd, 'meanSquaredNorm'),
  };
  // The seed's claim is qualitative (SGD leaves, GD stays); 0.9 leaves room for a slow straggler.
  const passed = measured.sgdEscaped >= 0.9 && measured.sgdAtZero >= 0.9 && measured.gdEscaped === 0 && Math.abs(measured.gdMeanSquare - 1) < 1e-3;
  return { passed, claim: 'SGD (B = 1, lr 0.7) escapes the sharp minimum x = 1 to x = 0 (fraction >= 0.9); GD stays at 1 (fraction escaped 0)', measured };
}

const SADDLE_OPTIMIZERS = ['gd', 'adagrad', 'adanorm', 'adagrad-full'] as const;
/** Uniform starts in the square, and on the segment y = 0 (the saddle's stable manifold). */
const GENERIC_STARTS = { low: [-1, -1], high: [1, 1] };
const ON_AXIS_STARTS = { low: [-1, 0], high: [1, 0] };

/** f(x, y) = x^2/2 + y^4/4 - y^2/2 (saddle at 0, minima at (0, +-1)). */
const saddleConfig: ExperimentConfigInput = {
  name: 'saddle-avoidance',
  steps: 1500,
  model: {
    kind: 'landscape',
    spec: { kind: 'strict-saddle', particleCount: 16384, learningRate: 0.1, optimizer: 'gd', seed: 2 },
    start: GENERIC_STARTS,
    target: [0, 0],
    targetRadius: 0.05,
  },
  // Every optimizer from generic starts and from starts on the axis y = 0: one run set of 8 members.
  sweep: { 'model.spec.optimizer': [...SADDLE_OPTIMIZERS], 'model.start': [GENERIC_STARTS, ON_AXIS_STARTS] },
  metrics: { every: 500, names: ['meanValue', 'nearTargetFraction'] },
};

async function checkSaddle(ctx: CheckContext): Promise<CheckOutcome> {
  const members = await ctx.runSet();
  const measured: Record<string, number> = {};
  let passed = true;
  for (const optimizer of SADDLE_OPTIMIZERS) {
    const ofOptimizer = members.filter((member) => member.overrides['model.spec.optimizer'] === optimizer);
    const generic = memberWith(ofOptimizer, 'model.start', GENERIC_STARTS);
    const onAxis = memberWith(ofOptimizer, 'model.start', ON_AXIS_STARTS);
    measured[`${optimizer}AtSaddle`] = last(generic, 'nearTargetFraction');
    measured[`${optimizer}MeanValue`] = last(generic, 'meanValue');
    measured[`${optimizer}OnAxisAtSaddle`] = last(onAxis, 'nearTargetFraction');
    // Generic starts reach a minimum (f = -1/4 there) and none stays at the saddle; starts on y = 0 never leave the axis.
    passed &&= measured[`${optimizer}AtSaddle`] === 0 && measured[`${optimizer}MeanValue`]! < -0.24 && measured[`${optimizer}OnAxisAtSaddle`] === 1;
  }
  return { passed, claim: 'GD and AdaGrad (diagonal, norm, full) from random starts: no run ends at the strict saddle, all reach f = -1/4; starts with y0 = 0 end at the saddle', measured };
}

/** Perko's field x1' = -x1, x2' = -x2 + x1^2, x3' = x3 + x1^2: stable manifold c3 = -c1^2/3. */
function perkoStarts(count: number, offset: number): number[][] {
  return Array.from({ length: count }, (_, p) => {
    const c1 = -1 + (2 * p) / Math.max(1, count - 1);
    const c2 = Math.sin(7 * p);
    return [c1, c2, -(c1 * c1) / 3 + offset];
  });
}

const PERKO_STARTS = 64;
const ON_MANIFOLD = { points: perkoStarts(PERKO_STARTS, 0) };
const OFF_MANIFOLD = { points: perkoStarts(PERKO_STARTS, 0.1) };

const perkoConfig: ExperimentConfigInput = {
  name: 'stable-manifold',
  steps: 500,
  model: {
    kind: 'landscape',
    spec: { kind: 'perko', particleCount: PERKO_STARTS, learningRate: 0.01, integrator: 'rk4', exitRadius: 10, seed: 3 },
    start: ON_MANIFOLD,
    target: [0, 0, 0],
    targetRadius: 0.05,
  },
  // Starts on the manifold and 0.1 above it: one run set of two.
  sweep: { 'model.start': [ON_MANIFOLD, OFF_MANIFOLD] },
  metrics: { every: 100, names: ['meanSquaredNorm', 'nearTargetFraction', 'escapedFraction'] },
};

async function checkPerko(ctx: CheckContext): Promise<CheckOutcome> {
  const members = await ctx.runSet();
  const on = memberWith(members, 'model.start', ON_MANIFOLD);
  const off = memberWith(members, 'model.start', OFF_MANIFOLD);
  const measured = { onManifoldConverged: last(on, 'nearTargetFraction'), offManifoldLeft: last(off, 'escapedFraction') };
  // RK4 with h = 0.01 over t = 5: on the continuous manifold |x_T| ~ e^-5 |x_0| plus O(h^4) drift; 0.1 off it grows like e^t.
  const passed = measured.onManifoldConverged === 1 && measured.offManifoldLeft === 1;
  return { passed, claim: 'starts on c3 = -c1^2/3 converge to 0 (all within 0.05 at t = 5); starts 0.1 off it leave |x| > 10', measured };
}

/** Linear stability of SGD on f = (1/(2n)) sum a_i x^2 with n = 2, B = 1, lr = 1, a = 0.5, two-point cells. */
const STABILITY = { sharpness: 0.5, sampleCount: 2, batchSize: 1, learningRate: 1 } as const;
const STABILITY_S = [0.9, 1.0, 1.2] as const;

/** One cell per s: a run set, the cells' curvatures swept (the rest of the landscape, data and steps shared). */
const stabilityCurvatures = (s: number) => twoPointCurvatures(STABILITY.sharpness, s, STABILITY.sampleCount);

function stabilityConfig(s: number): ExperimentConfigInput {
  return {
    name: 'sgd-stability-diagram',
    steps: 400,
    model: {
      kind: 'landscape',
      spec: {
        kind: 'quadratic-sum',
        particleCount: 2048,
        learningRate: STABILITY.learningRate,
        batchSize: STABILITY.batchSize,
        curvatures: twoPointCurvatures(STABILITY.sharpness, s, STABILITY.sampleCount),
        exitRadius: 1e3,
        seed: 4,
      },
      start: { point: [1] },
    },
    metrics: { every: 5, names: ['meanSquaredNorm', 'escapedFraction', 'lyapunovEstimate'] },
  };
}

async function checkStability(ctx: CheckContext): Promise<CheckOutcome> {
  const members = await ctx.runSet();
  const measured: Record<string, number> = {};
  let passed = true;
  for (const s of STABILITY_S) {
    const result = memberWith(members, 'model.spec.curvatures', stabilityCurvatures(s));
    const row5 = result.metrics.find((row) => row.step === 5)!;
    const growthTheory = meanSquareGrowth({ ...STABILITY, nonUniformity: s }) ** 5;
    const lambda = lyapunovExponent(twoPointCurvatures(STABILITY.sharpness, s, STABILITY.sampleCount), STABILITY.learningRate, STABILITY.batchSize, false).value;
    measured[`s${s}_Ex5sq`] = row5.meanSquaredNorm!;
    measured[`s${s}_Ex5sqTheory`] = growthTheory;
    measured[`s${s}_lambda`] = last(result, 'lyapunovEstimate');
    measured[`s${s}_lambdaTheory`] = lambda;
    measured[`s${s}_escaped`] = last(result, 'escapedFraction');
    // Every s here is outside the mean-square region (s > 0.866): the second moment grows.
    passed &&= row5.meanSquaredNorm! > 1;
    // The per-run exponent matches theory (Monte Carlo over 2048 runs of 400 steps: error ~ 0.01).
    passed &&= Math.abs(last(result, 'lyapunovEstimate') - lambda) < 0.03;
    // Runs escape only beyond the Lyapunov boundary (s = 1.118).
    passed &&= lambda < 0 ? last(result, 'escapedFraction') < 0.05 : last(result, 'escapedFraction') > 0.8;
  }
  return {
    passed,
    claim: 'a = 0.5, lr = 1, n = 2, B = 1: E x^2 grows for every s > 0.866 (mean-square boundary), but runs escape only past the Lyapunov boundary s = 1.118',
    measured,
  };
}

export const LANDSCAPE_PRESETS: readonly Preset[] = [
  {
    name: 'sgd-escape',
    summary: 'SGD escapes the sharp minimum of f = (f1 + f2)/2 for the flat one; GD stays (escape fraction over 4096 runs).',
    explanation:
      'docs/science.md section 4 (seeds 001/003): at x = 1 both halves have curvature a = 2 but very different per-sample curvatures (s = 1.8), at x = 0 they agree (s = 0). With lr = 0.7 and B = 1 the minimum at 1 is linearly unstable for SGD though stable for GD. Watch escapedFraction rise to 1 for SGD while GD particles sit at x = 1: the config is a run set of both, B = 1 and B = n = 2 (full batch).',
    config: escapeConfig,
    reduced: ['model.spec.particleCount=512', 'steps=300'],
    plots: ['escapedFraction', 'nearTargetFraction', 'meanValue'],
    check: checkEscape,
  },
  {
    name: 'saddle-avoidance',
    summary: 'GD and AdaGrad variants from 16384 random starts on a strict saddle: none ends at the saddle, except starts exactly on y = 0.',
    explanation:
      'docs/science.md section 7 (seed 004): adaptive steps x_{t+1} = x_t - Gamma_t grad f avoid strict saddles for almost every start. f(x, y) = x^2/2 + y^4/4 - y^2/2 has its saddle at 0 and minima at (0, +-1); the set of starts that converge to the saddle is the line y = 0, of measure zero. nearTargetFraction counts runs ending within 0.05 of the saddle. The config is a run set of 8 members: each optimizer (GD, AdaGrad diagonal, norm and full) from starts in the square and from starts on y = 0.',
    config: saddleConfig,
    reduced: ['model.spec.particleCount=2048', 'steps=1000'],
    plots: ['nearTargetFraction', 'meanValue'],
    check: checkSaddle,
  },
  {
    name: 'stable-manifold',
    summary: "Perko's vector field: starts on c3 = -c1^2/3 converge to 0, starts off it leave.",
    explanation:
      'docs/science.md section 7: x1\' = -x1, x2\' = -x2 + x1^2, x3\' = x3 + x1^2 has a stable manifold through 0, the surface c3 = -c1^2/3, and every solution off it leaves. Particles start on the surface (integrated by RK4, h = 0.01) and 0.1 above it: the config is a run set of these two members.',
    config: perkoConfig,
    plots: ['meanSquaredNorm', 'nearTargetFraction', 'escapedFraction'],
    check: checkPerko,
  },
  {
    name: 'sgd-stability-diagram',
    summary: 'Linear stability of SGD on a 1-D quadratic: the second moment grows past the mean-square boundary, runs escape only past the Lyapunov boundary.',
    explanation:
      'docs/science.md section 4: for f = (1/(2n)) sum a_i x^2 the minimum is mean-square stable iff (1 - lr a)^2 + lr^2 (n - B)/(B (n - 1)) s^2 <= 1, while a single run escapes almost surely only where E log|1 - lr a_batch| > 0. Between the two boundaries E x^2 explodes although almost every run converges. Each cell (a, s) carries thousands of particles, and the config is a run set of the cells s = 0.9, 1.0 and 1.2 (a = 0.5); compare meanSquaredNorm, lyapunovEstimate and escapedFraction with the theory.',
    config: { ...stabilityConfig(1.2), sweep: { 'model.spec.curvatures': STABILITY_S.map(stabilityCurvatures) } },
    reduced: ['model.spec.particleCount=1024'],
    plots: ['meanSquaredNorm', 'escapedFraction', 'lyapunovEstimate'],
    check: checkStability,
  },
];
