/**
 * Toy landscapes, one thread per particle (docs/science.md sections 4 and 7; conventions in
 * src/core/landscape.ts). Every particle is an independent optimizer run, so a step depends on the
 * particle alone: `landscape_run` loads x (and the optimizer's accumulators) into registers once,
 * loops over `step_count` steps, and writes back once. That fuses T steps into one dispatch with
 * no memory traffic in between; the host only splits very long runs into several dispatches of one
 * submit (stepsPerDispatch) so no single dispatch runs long enough to trip a GPU watchdog.
 *
 * Randomness is the counter-based Threefry of shaders/random.wgsl.ts, never a stateful generator:
 *   minibatch of particle p at step t: key_pt = threefry((seed, BATCH_STREAM), (p, t));
 *     with replacement, or whenever B = 1: component k = index_below(word 0 of threefry(key_pt, (k, 0)), n);
 *     without replacement (B >= 2): selection sampling (Fan, Muller and Rezucha 1962; Knuth's
 *     Algorithm S) visits i = 0, 1, ... and takes i iff uniform_below(n - i, key_pt, i) < B - taken
 *     (attempt r of that draw reads threefry(key_pt, (i, r))), so the batch is the taken indices in
 *     increasing order. Taking i with probability (B - taken) / (n - i) exactly gives every B-subset
 *     probability B! (n - B)! / n! = 1 / C(n, B): along any subset the numerators of the taken
 *     steps run B, B - 1, ..., 1, those of the skipped steps n - B, ..., 1, the denominators n, ..., 1.
 *     O(1) memory and at most n draws per step, for the small n of these landscapes. Its counters
 *     (i, 0) are those of the with-replacement draws, which is harmless: a run samples one way only;
 *   gradient noise of coordinate c: normal(threefry((seed, NOISE_STREAM + c), (p, t))).
 * All of it is integer-exact, so the float64 twin (src/float64/landscapes.ts) draws the same batches.
 *
 * Bindings: @binding(0) LANDSCAPE_RUN_PARAMS; then in order, each only when the variant uses it:
 *   positions [P x k] f32 (read_write), stats [P] vec4f (read_write: value, maxNorm, exitStep, logGrowth),
 *   state [P x S] f32 (read_write; optimizer accumulators), learning_rates [P] f32, curvatures [C x n] f32.
 *
 * Parts: the uniform (landscape-run-params.wgsl.ts), the minibatch draw (landscape-sampling.wgsl.ts),
 * each kind's f and gradient (landscape-functions.wgsl.ts, the user's text in
 * landscape-expression.wgsl.ts), the optimizers' steps (landscape-preconditioners.wgsl.ts); this file
 * composes them into the kernel. The gradient check of expressions is landscape-gradient-check.wgsl.ts.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { randomWgsl } from './random.wgsl';
import { updateRulesWgsl } from './update-rules.wgsl';
import { LANDSCAPE_ANCHOR_FIELDS, LANDSCAPE_RUN_PARAMS } from './landscape-run-params.wgsl';
import { samplingSnippet } from './landscape-sampling.wgsl';
import { escapeSnippet, expressionSnippet, perkoSnippet, quadraticSumSnippet, quadraticSumValueSnippet, strictSaddleSnippet } from './landscape-functions.wgsl';
import { inverseSqrtSnippet, preconditionBody } from './landscape-preconditioners.wgsl';
import type { LandscapeExpressionText } from './landscape-expression.wgsl';
import {
  LANDSCAPE_STREAMS,
  MAX_LANDSCAPE_DIM,
  optimizerStateSize,
  type ComponentSampling,
  type Integrator,
  type LandscapeKind,
  type LandscapeOptimizer,
} from '../src/core/landscape';

export interface LandscapeVariant {
  readonly kind: LandscapeKind;
  /** k: coordinates per particle (changes the register arrays, hence the text). */
  readonly dim: number;
  readonly optimizer: LandscapeOptimizer;
  /** perko only. */
  readonly integrator: Integrator;
  /** quadratic-sum and escape only; 'full' otherwise. */
  readonly sampling: ComponentSampling;
  /** Whether a learning_rates [P] buffer replaces params.learning_rate. */
  readonly perParticleLearningRate: boolean;
  /** Whether g gets sigma xi added (noise_std > 0). */
  readonly gradientNoise: boolean;
  /** expression only: the user's text, validated by src/core/landscape-expression.ts. */
  readonly expression?: LandscapeExpressionText;
}

/** Smallest normal f32: the floor under |x| before a log, so log never sees 0. */
const MIN_NORMAL_F32 = 1.1754943508222875e-38;

/** Storage bindings of landscape_run, in binding order (the wrapper binds buffers in this order). */
export function landscapeBindingNames(variant: LandscapeVariant): string[] {
  return [
    'positions',
    'stats',
    ...(optimizerStateSize(variant.optimizer, variant.dim) > 0 ? ['state'] : []),
    ...(variant.perParticleLearningRate ? ['learningRates'] : []),
    ...(variant.kind === 'quadratic-sum' ? ['curvatures'] : []),
  ];
}

const BINDING_DECLARATIONS: Record<string, string> = {
  positions: 'var<storage, read_write> positions: array<f32>;',
  stats: 'var<storage, read_write> stats: array<vec4f>;',
  state: 'var<storage, read_write> state: array<f32>;',
  learningRates: 'var<storage, read> learning_rates: array<f32>;',
  curvatures: 'var<storage, read> curvatures: array<f32>;',
};

/** Helpers on register arrays of length K. */
function vectorHelpers(k: number): string {
  return /* wgsl */ `
fn norm_of(x: Point) -> f32 {
  var v = x;
  var sum = 0.0;
  for (var c = 0u; c < ${k}u; c++) { sum += v[c] * v[c]; }
  return sqrt(sum);
}
fn anchor_distance(x: Point) -> f32 {
  var v = x;
  var anchor = array<f32, ${MAX_LANDSCAPE_DIM}>(${Object.keys(LANDSCAPE_ANCHOR_FIELDS).map((field) => `params.${field}`).join(', ')});
  var sum = 0.0;
  for (var c = 0u; c < ${k}u; c++) { sum += (v[c] - anchor[c]) * (v[c] - anchor[c]); }
  return sqrt(sum);
}
// u + a v
fn axpy(a: f32, v: Point, u: Point) -> Point {
  var out = u;
  var w = v;
  for (var c = 0u; c < ${k}u; c++) { out[c] += a * w[c]; }
  return out;
}
`;
}

/** The body of one step for the variant; `x`, `alpha`, `p`, `t`, `stat` (and `acc`, `cell_offset`) are in scope. */
function stepBody(variant: LandscapeVariant): string {
  const { kind, dim: k, optimizer } = variant;
  if (kind === 'perko') return '// One Euler or RK4 step of x\' = v(x) with h = alpha.\n      x = perko_step(x, alpha);';
  if (kind === 'quadratic-sum') {
    // grad = a_batch x; every rule's Gamma_t is a scalar gamma in 1-D, so x_{t+1} = m x_t with
    // m = 1 - gamma a_batch and log|x_T / x_0| = sum log|m| exactly, even past the f32 range of x.
    const curvature = variant.sampling === 'full' ? 'cell_mean' : 'batch_curvature(cell_offset, p, t)';
    const gamma =
      optimizer === 'gd'
        ? 'let gamma = alpha;'
        : 'acc[0] = rule_accumulate_square(acc[0], g);\n      let gamma = rule_adaptive_step_size(alpha, params.delta0_squared, acc[0]);';
    return `// x_{t+1} = (1 - gamma a_batch) x_t (seed 001, eq. 0.16).
      let a_batch = ${curvature};
      let g = a_batch * x[0];
      ${gamma}
      let m = 1.0 - gamma * a_batch;
      x[0] = m * x[0];
      stat.w += log(abs(m));`;
  }
  const noise = variant.gradientNoise
    ? `for (var c = 0u; c < ${k}u; c++) {
        g[c] += params.noise_std * rng_normal(rng_threefry2x32(vec2u(params.seed, ${LANDSCAPE_STREAMS.noise}u + c), vec2u(p, t)));
      }`
    : '';
  return `// x_{t+1} = x_t - Gamma_t g_t (docs/science.md section 7).
      var g = landscape_gradient(x, p, t);
      ${noise}
      ${preconditionBody(optimizer, k)}
      ${`for (var c = 0u; c < ${k}u; c++) { x[c] -= d[c]; }`}`;
}

function landscapeSnippet(variant: LandscapeVariant): string {
  switch (variant.kind) {
    case 'quadratic-sum':
      return `${quadraticSumSnippet(variant.sampling)}${quadraticSumValueSnippet}`;
    case 'escape':
      return escapeSnippet(variant.sampling);
    case 'strict-saddle':
      return strictSaddleSnippet;
    case 'perko':
      return perkoSnippet(variant.integrator);
    case 'expression':
      return expressionSnippet(variant.dim, variant.expression!);
  }
}

/** An entry point with one thread per item: `index` is the linearised thread index, guarded by `count`. */
export function threadEntry(name: string, index: string, count: string): string {
  return `@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn ${name}(@builtin(workgroup_id) workgroup_id: vec3u, @builtin(num_workgroups) workgroup_count: vec3u,
           @builtin(local_invocation_index) local: u32) {
  let ${index} = linear_workgroup_index(workgroup_id, workgroup_count) * ${ELEMENTWISE_WORKGROUP_SIZE}u + local;
  if (${index} >= ${count}) { return; }`;
}

function usesRandom(variant: LandscapeVariant): boolean {
  return variant.sampling !== 'full' || variant.gradientNoise;
}

/**
 * landscape_run: positions, stats (and accumulators) of particle p advance by step_count steps,
 * t = first_step .. first_step + step_count - 1. reset != 0 starts fresh: accumulators 0,
 * maxNorm = |x_0|, exitStep = 0 if x_0 is already outside the exit ball else -1, logGrowth = 0.
 * stats: value = f(x) at the end (|x| for perko), maxNorm = max_t |x_t|, exitStep = first t + 1 with
 * |x_{t+1} - anchor| > exit_radius, logGrowth = log|x_T| - log|x_0| (quadratic-sum: sum log|m_t|).
 */
export function landscapeRunSource(variant: LandscapeVariant): string {
  const k = variant.dim;
  const stateSize = optimizerStateSize(variant.optimizer, k);
  const quadratic = variant.kind === 'quadratic-sum';
  const bindings = landscapeBindingNames(variant)
    .map((name, i) => `@group(0) @binding(${i + 1}) ${BINDING_DECLARATIONS[name]}`)
    .join('\n');
  const loadState = stateSize > 0 ? `var acc: array<f32, ${stateSize}>;\n  if (params.reset == 0u) { for (var i = 0u; i < ${stateSize}u; i++) { acc[i] = state[p * ${stateSize}u + i]; } }` : '';
  const storeState = stateSize > 0 ? `for (var i = 0u; i < ${stateSize}u; i++) { state[p * ${stateSize}u + i] = acc[i]; }` : '';
  const valueArgument = quadratic ? 'cell_mean' : 'p';
  return wgsl`
${LANDSCAPE_RUN_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${LANDSCAPE_RUN_PARAMS.name};
${bindings}
${linearWorkgroupIndex}
${usesRandom(variant) ? randomWgsl : ''}
${updateRulesWgsl}
${vectorHelpers(k)}
${samplingSnippet(variant.sampling)}
${landscapeSnippet(variant)}
${variant.optimizer === 'adagrad-full' && k >= 2 ? inverseSqrtSnippet(k) : ''}

${threadEntry('landscape_run', 'p', 'params.particle_count')}
  var x: Point;
  for (var c = 0u; c < ${k}u; c++) { x[c] = positions[p * ${k}u + c]; }
  ${loadState}
  var stat = stats[p];
  if (params.reset != 0u) {
    stat = vec4f(0.0, norm_of(x), select(-1.0, 0.0, anchor_distance(x) > params.exit_radius), 0.0);
  }
  let lr = ${variant.perParticleLearningRate ? 'learning_rates[p]' : 'params.learning_rate'};
  ${quadratic ? 'let cell_offset = (p / params.particles_per_cell) * params.sample_count;\n  let cell_mean = cell_curvature(cell_offset);' : `let log_norm_start = log(max(norm_of(x), ${MIN_NORMAL_F32}));`}
  for (var s = 0u; s < params.step_count; s++) {
    let t = params.first_step + s;
    // alpha_t = lr (constant) or lr / sqrt(t + 1) (inverse-sqrt), src/core/schedule.ts's rates in f32.
    let alpha = select(lr, rule_inverse_sqrt_step_size(lr, t), params.inverse_sqrt_schedule != 0u);
    {
      ${stepBody(variant)}
    }
    let norm = norm_of(x);
    if (norm > stat.y) { stat.y = norm; }
    if (stat.z < 0.0 && anchor_distance(x) > params.exit_radius) { stat.z = f32(t + 1u); }
  }
  stat.x = landscape_value(x, ${valueArgument});
  ${quadratic ? '' : `stat.w += log(max(norm_of(x), ${MIN_NORMAL_F32})) - log_norm_start;`}
  for (var c = 0u; c < ${k}u; c++) { positions[p * ${k}u + c] = x[c]; }
  ${storeState}
  stats[p] = stat;
}
`.replace(/\bPoint\b/g, `array<f32, ${k}>`);
}
