/**
 * Mean-field presets (docs/science.md section 1): minimizing movements (JKO) against explicit GD in
 * particle time; convergence of particles on the circle to the uniform measure (E, Ma, Wu 2019).
 */
import type { CheckContext, CheckOutcome, Preset } from '../preset';
import type { ExperimentResult } from '../../run/run-experiment';
import { targetCloud } from '../../models/two-layer/transport-metrics';
import { exactW2Squared } from '../../metrics/wasserstein';
import { uniformArray } from '../../core/random';

/** Flow time T reached by every tau of the O(tau) comparison (steps = T / tau). */
const FLOW_TIME = 1;
/** Step sizes of the O(tau) comparison, halving; the reduced check keeps the two smallest (the gap at
 * tau = 0.2 still carries visible O(tau^2) terms: measured ratios 1.55 for 0.2 -> 0.1, 2.24 for 0.1 -> 0.05). */
const FULL_TAUS = [0.2, 0.1, 0.05];
const REDUCED_TAUS = [0.1, 0.05];
/**
 * A step far beyond the explicit stability limit 2 / sharpnessParticleTime (the initial sharpness of this
 * problem in particle time, m lambda_max(H), is about 0.8, so the limit is about 2.5): explicit GD must blow
 * up, JKO must not.
 */
const LARGE_TAU = 8;
const LARGE_TAU_STEPS = 5;
/**
 * Inner GD rate of the proximal problem: it contracts when eta < 2 / (sharpnessParticleTime + 1 / tau); eta =
 * 0.8 / (1 + 1 / tau) stays below that for sharpnessParticleTime <= 1 and converges in a few tens of steps.
 */
const innerRate = (tau: number) => 0.8 / (1 + 1 / tau);
/**
 * Both schemes are first-order accurate with errors of opposite sign, so |L_jko(T) - L_gd(T)| ~ c tau:
 * halving tau must divide the gap by about 2. Accepted ratio range [1.5, 3] (pure O(tau) gives 2,
 * O(tau^2) corrections at these taus move it by ~ tau; a ratio near 1 would mean no convergence,
 * near 4 a second-order agreement).
 */
const RATIO_RANGE = [1.5, 3] as const;

/** The config's explicit scheme: GD at lr 0.1 (the base optimizer of the implicit members too). */
const BASE_OPTIMIZER = { rule: 'gd', learningRate: 0.1 } as const;
/** The JKO settings at step size tau. */
const jkoAt = (tau: number, innerSteps: number) => ({ tau, innerSteps, innerLearningRate: innerRate(tau) });

/**
 * The sweep block comparing the two schemes at one tau: the optimizer whole (explicit GD at lr = tau; the implicit
 * scheme adds jko to `implicitBase`), since one grid path cannot both set the lr and add or leave out jko.
 */
const schemesAt = (tau: number, innerSteps: number, implicitBase: { readonly rule: string; readonly learningRate: number }) => ({
  optimizer: [
    { ...BASE_OPTIMIZER, learningRate: tau },
    { ...implicitBase, jko: jkoAt(tau, innerSteps) },
  ],
});

/** The O(tau) comparison at one tau: a run set of the two schemes, run to flow time FLOW_TIME (its own step count). */
const oTauSet = (tau: number) => [`steps=${Math.round(FLOW_TIME / tau)}`, `sweep=${JSON.stringify(schemesAt(tau, 20, BASE_OPTIMIZER))}`];

async function checkJkoVsExplicit(ctx: CheckContext): Promise<CheckOutcome> {
  const taus = ctx.size === 'reduced' ? REDUCED_TAUS : FULL_TAUS;
  // One run set per tau (explicit and implicit together): every tau runs to the same flow time, so each has its own
  // step count, which the members of one set share. The config's tau (its lr) runs first, so its set is the preset's runs.
  const order = [...taus].sort((a, b) => Number(b === BASE_OPTIMIZER.learningRate) - Number(a === BASE_OPTIMIZER.learningRate));
  const schemes = new Map<number, { explicit: ExperimentResult; implicit: ExperimentResult }>();
  for (const tau of order) {
    const [explicit, implicit] = await ctx.runSet(oTauSet(tau));
    schemes.set(tau, { explicit: explicit!.result, implicit: implicit!.result });
  }
  const measured: Record<string, number> = {};
  const gaps: number[] = [];
  for (const tau of taus) {
    const { explicit, implicit } = schemes.get(tau)!;
    const gap = Math.abs(implicit.summary.finalLoss - explicit.summary.finalLoss);
    measured[`lossGd@tau=${tau}`] = explicit.summary.finalLoss;
    measured[`lossJko@tau=${tau}`] = implicit.summary.finalLoss;
    measured[`gap@tau=${tau}`] = gap;
    gaps.push(gap);
  }
  const ratios = gaps.slice(1).map((gap, k) => gaps[k]! / gap);
  ratios.forEach((ratio, k) => (measured[`gapRatio${k + 1}`] = ratio));
  const linear = ratios.every((ratio) => ratio >= RATIO_RANGE[0] && ratio <= RATIO_RANGE[1]);

  // The large step: its own set (LARGE_TAU_STEPS steps), explicit GD at lr = tau and JKO from that optimizer.
  const big = { ...BASE_OPTIMIZER, learningRate: LARGE_TAU };
  const [explicitMember, implicitMember] = await ctx.runSet([`steps=${LARGE_TAU_STEPS}`, `sweep=${JSON.stringify(schemesAt(LARGE_TAU, 60, big))}`]);
  const explicitBig = explicitMember!.result;
  const implicitBig = implicitMember!.result;
  const losses = implicitBig.stepLosses;
  const initial = losses[0]!;
  const final = implicitBig.summary.finalLoss;
  // A proximal step never increases L (L(theta_{k+1}) <= L(theta_k) - |step|^2 / (2 tau)); 1e-6 relative slack for float32.
  const monotone = losses.every((loss, k) => k === 0 || loss <= losses[k - 1]! * (1 + 1e-6));
  measured.explicitDiverged = explicitBig.summary.diverged ? 1 : 0;
  measured[`jkoInitialLoss@tau=${LARGE_TAU}`] = initial;
  measured[`jkoFinalLoss@tau=${LARGE_TAU}`] = final;
  const stable = !implicitBig.summary.diverged && Number.isFinite(final) && monotone && final < 0.5 * initial;
  return {
    passed: linear && explicitBig.summary.diverged && stable,
    claim:
      `JKO and explicit GD agree to O(tau) at flow time T = ${FLOW_TIME}: the final-loss gap shrinks by ${RATIO_RANGE[0]}-${RATIO_RANGE[1]}x per halving of tau (${taus.join(', ')}); ` +
      `at tau = ${LARGE_TAU} explicit GD diverges while JKO stays finite, monotone and at least halves the loss in ${LARGE_TAU_STEPS} steps`,
    measured,
  };
}

// ---------------------------------------------------------------------------------------------
// mean-field-circle

/**
 * W2 between m i.i.d. uniform points on the circle and the target (m equally spaced points), exact,
 * averaged over FLOOR_DRAWS independent clouds: the sampling floor, what a particle cloud as good as an
 * i.i.d. sample from pi* scores (in 1-D it is ~ c / sqrt(m)). Draws come from the counter-based
 * generator (stream id far from the run's streams), so the floor is the same number on every run.
 */
const FLOOR_DRAWS = 8;
const FLOOR_STREAM = 1000;
function samplingFloor(m: number): number {
  const target = targetCloud({ target: { kind: 'uniform-circle' }, method: 'exact', epsilon: 0.05, directionCount: 64 }, m, 2);
  let sum = 0;
  for (let draw = 0; draw < FLOOR_DRAWS; draw++) {
    const angles = uniformArray(0, FLOOR_STREAM, draw, m).map((u) => 2 * Math.PI * u);
    const cloud = Float64Array.from({ length: 2 * m }, (_, e) => (e % 2 === 0 ? Math.cos(angles[e >> 1]!) : Math.sin(angles[e >> 1]!)));
    sum += Math.sqrt(exactW2Squared(cloud, target, 2));
  }
  return sum / FLOOR_DRAWS;
}

/**
 * The claim, with margins from the science rather than from one run:
 *  - W2 must fall by at least W2_DROP (von Mises kappa = 2 starts at W2 ~ 0.9; the floor at m = 128..256
 *    is ~ 0.1, so a flow that reaches the floor drops it ~ 9x; 4x leaves room for a slower approach);
 *  - it must end within FLOOR_MULTIPLE x the sampling floor. The loss cannot see every mode of pi - pi*
 *    (the ReLU kernel on the circle has no odd Fourier modes >= 3), so the final W2 is not 0 but the
 *    size of those modes: measured ~0.07-0.08 whatever m (m = 128: 0.075 vs floor 0.147; m = 256: 0.081 vs
 *    0.095), so at these widths it ends below the floor; 1.5x still fails a cloud that stalls half way. At
 *    m >= ~1024 the floor (~ 1.5 / sqrt(m)) drops below that plateau (float64 prototype, m = 1024: 0.059 vs
 *    0.038), and the claim would need a smaller kappa (kappa = 1 there: 0.037, at the floor);
 *  - the energy-dissipation identity dL/dt = -(1/m) sum_j |P_j v_j|^2 (P_j the tangent projection) holds
 *    to first order: at the logged steps of the transient, |residual| / predicted <= ENERGY_RESIDUAL_MAX.
 *    The residual is O(lr); lr = 1 gives measured values of a few percent; 0.2 is the bound.
 */
const W2_DROP = 4;
const FLOOR_MULTIPLE = 1.5;
const ENERGY_RESIDUAL_MAX = 0.2;
/** Logged steps of the transient, where the loss still falls by far more than float32 rounding. */
const TRANSIENT_STEPS = 50;

async function checkCircle(ctx: CheckContext): Promise<CheckOutcome> {
  const result = await ctx.run();
  const m = result.config.model.kind === 'two-layer' ? result.config.model.width : 0;
  const rows = result.metrics;
  const w2 = rows.map((row) => row.w2ToTarget!).filter((v) => Number.isFinite(v));
  const initial = w2[0]!;
  const final = w2.at(-1)!;
  const floor = samplingFloor(m);
  const residuals = rows.filter((row) => row.step < TRANSIENT_STEPS && Number.isFinite(row.energyResidual)).map((row) => Math.abs(row.energyResidual!));
  const worstResidual = residuals.length > 0 ? Math.max(...residuals) : NaN;
  const measured: Record<string, number> = {
    width: m,
    w2Initial: initial,
    w2Final: final,
    samplingFloor: floor,
    w2Drop: initial / final,
    finalOverFloor: final / floor,
    lossInitial: result.stepLosses[0]!,
    lossFinal: result.summary.finalLoss,
    energyResidualMax: worstResidual,
    energyResidualCount: residuals.length,
  };
  const passed = !result.summary.diverged && initial / final >= W2_DROP && final <= FLOOR_MULTIPLE * floor && residuals.length > 0 && worstResidual <= ENERGY_RESIDUAL_MAX;
  return {
    passed,
    claim:
      `particles on the circle flow to the uniform measure: W2(pi_t, pi*) falls by >= ${W2_DROP}x and ends within ${FLOOR_MULTIPLE}x the sampling floor ` +
      `(W2 of ${m} i.i.d. uniform points, mean of ${FLOOR_DRAWS}); energy-dissipation residual <= ${ENERGY_RESIDUAL_MAX} over the first ${TRANSIENT_STEPS} steps`,
    measured,
  };
}

export const MEAN_FIELD_PRESETS: readonly Preset[] = [
  {
    name: 'jko-vs-explicit',
    summary: 'Minimizing movements (JKO) against explicit GD in particle time: O(tau) agreement, and stability at large tau.',
    explanation:
      'The JKO scheme pi_{k+1} = argmin R(pi) + W2^2(pi, pi_k) / (2 tau) is, for particles with the identity coupling, the implicit ' +
      'step theta_{k+1} = argmin L(theta) + |theta - theta_k|^2 / (2 tau m), solved by an inner GD loop (docs/science.md section 1, seed 001). ' +
      'The config is a run set of the two schemes at tau = 0.1, trained together: explicit GD at lr = tau and the implicit scheme (optimizer.jko = {tau: 0.1, innerSteps: 20, innerLearningRate: 0.07}). For small tau both follow the same Wasserstein gradient flow ' +
      'and their losses at a fixed flow time differ by O(tau); for tau far above 2 / sharpnessParticleTime (the sharpness in particle time, m lambda_max) the explicit step blows up while the ' +
      'implicit one still decreases the loss every step. Look at the loss against flow time (step x tau) for the two schemes. The check runs one such ' +
      'set per tau (each tau reaches the flow time in its own number of steps, which the members of a set share) and one at tau = 8.',
    config: {
      name: 'jko-vs-explicit',
      seed: 3,
      steps: 10,
      loss: 'square',
      model: { width: 32, scaling: 'mean-field' },
      data: { kind: 'teacher-student', sampleCount: 32, inputDim: 2, teacher: { kind: 'random', width: 2 } },
      optimizer: BASE_OPTIMIZER,
      sweep: schemesAt(BASE_OPTIMIZER.learningRate, 20, BASE_OPTIMIZER),
      metrics: { every: 1, names: ['loss', 'sharpnessParticleTime'] },
    },
    reduced: ['metrics.names=["loss"]'],
    plots: ['loss', 'sharpnessParticleTime'],
    check: checkJkoVsExplicit,
  },
  {
    name: 'mean-field-circle',
    summary: 'E-Ma-Wu: mean-field particles on the circle spread from a von Mises blob to the uniform measure; W2 to pi* falls to the sampling floor.',
    explanation:
      'E, Ma and Wu (2019; docs/science.md section 1, seed 001): f(x) = (1/m) sum_j relu(w_j . x) with a_j = 1 fixed and w_j on the unit circle, ' +
      'trained by GD in particle time on the target f*(x) = integral relu(w . x) d pi*(w) = |x| / pi of the uniform measure pi*. Each step is ' +
      'w <- (w - lr v) / |w - lr v| (model.sphere), the Wasserstein gradient flow on the circle for small lr. The particles start in a ' +
      'von Mises blob (kappa = 2) and spread around the circle: watch the particle picture (w_j) go uniform, w2ToTarget (exact W2 to m equally ' +
      'spaced points) fall from ~0.9 to the sampling floor (what m i.i.d. uniform points score), the loss fall by orders of magnitude, and ' +
      'energyResidual (measured loss change against -lr (1/m) sum_j |P_j v_j|^2) stay small. W2 levels off at ~0.08 rather than at 0: ' +
      'the ReLU kernel on the circle is blind to odd Fourier modes >= 3 of pi - pi*, so the loss is already ~0 when those remain; that plateau ' +
      'does not shrink with m, so at widths beyond ~1000 it sits above the sampling floor unless kappa is smaller.',
    config: {
      name: 'mean-field-circle',
      seed: 1,
      steps: 1000,
      loss: 'square',
      model: { width: 256, scaling: 'mean-field', trainable: 'first', sphere: true, init: { aValue: 1, directions: { kind: 'von-mises', kappa: 2, meanAngle: 0 } } },
      data: { kind: 'teacher-student', sampleCount: 256, inputDim: 2, inputs: 'sphere', teacher: { kind: 'circle' } },
      optimizer: { rule: 'gd', learningRate: 1 },
      metrics: { every: 10, names: ['loss', 'w2ToTarget', 'energyResidual'], w2: { target: { kind: 'uniform-circle' } } },
    },
    reduced: ['model.width=128', 'data.sampleCount=128', 'steps=120', 'metrics.every=20'],
    plots: ['loss', 'w2ToTarget', 'energyResidual'],
    check: checkCircle,
  },
];
