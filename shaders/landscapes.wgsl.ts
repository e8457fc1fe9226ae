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
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { randomWgsl } from './random.wgsl';
import { updateRulesWgsl } from './update-rules.wgsl';
import {
  LANDSCAPE_STREAMS,
  MAX_LANDSCAPE_DIM,
  optimizerStateSize,
  type ComponentSampling,
  type Integrator,
  type LandscapeKind,
  type LandscapeOptimizer,
} from '../src/core/landscape';
import { uniformStruct } from '../src/core/uniform-struct';

export interface LandscapeExpressionText {
  /** f(x): one WGSL f32 expression in x[0] .. x[k-1]. */
  readonly value: string;
  /** d f / d x[c], one expression per coordinate. */
  readonly gradient: readonly string[];
}

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

/** Cyclic Jacobi sweeps of the full-matrix AdaGrad eigen-solve (k <= 8: quadratic convergence is done by 6). */
export const JACOBI_SWEEPS = 8;
/**
 * Step h of the gradient check, relative to max(1, |x_c|). Large on purpose: the GPU's f carries an
 * absolute error eps_f up to 2^-11 (WGSL's bound for sin/cos), which a difference quotient turns into
 * eps_f / h; Richardson extrapolation keeps the truncation at O(h^4) despite the large h.
 */
export const GRADIENT_CHECK_RELATIVE_STEP = 0.05;
/** Smallest normal f32: the floor under |x| before a log, so log never sees 0. */
const MIN_NORMAL_F32 = 1.1754943508222875e-38;
/** Marker before each user expression; the wrapper maps compile errors through it. */
export const USER_EXPRESSION_MARKER = '// user expression: ';

/**
 * The exit anchor, one f32 field per coordinate up to MAX_LANDSCAPE_DIM: scalars, because each element
 * of a uniform array<f32, N> would take 16 bytes.
 */
export const LANDSCAPE_ANCHOR_FIELDS = {
  anchor0: 'f32', anchor1: 'f32', anchor2: 'f32', anchor3: 'f32', anchor4: 'f32', anchor5: 'f32', anchor6: 'f32', anchor7: 'f32',
} as const;
if (Object.keys(LANDSCAPE_ANCHOR_FIELDS).length !== MAX_LANDSCAPE_DIM) {
  throw new Error(`LANDSCAPE_ANCHOR_FIELDS needs one field per coordinate, MAX_LANDSCAPE_DIM = ${MAX_LANDSCAPE_DIM}`);
}

/** Uniform of landscape_run: the chunk of steps, the sampling, the step-size settings and the exit test. */
export const LANDSCAPE_RUN_PARAMS = uniformStruct('LandscapeRunParams', {
  particle_count: 'u32',
  first_step: 'u32',
  step_count: 'u32',
  reset: 'u32',
  seed: 'u32',
  sample_count: 'u32',
  batch_size: 'u32',
  particles_per_cell: 'u32',
  inverse_sqrt_schedule: 'u32',
  learning_rate: 'f32',
  delta0_squared: 'f32',
  noise_std: 'f32',
  exit_radius: 'f32',
  coefficient1: 'f32',
  coefficient2: 'f32',
  ...LANDSCAPE_ANCHOR_FIELDS,
});

/** Uniform of landscape_gradient_check: the number of check points. */
export const GRADIENT_CHECK_PARAMS = uniformStruct('GradientCheckParams', { point_count: 'u32' });

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

/**
 * The minibatch of particle p at step t, one component per call of next_batch_component (sampling
 * rules in the module header); cursor = (next index i to visit, components drawn so far), from (0, 0).
 */
function samplingSnippet(sampling: ComponentSampling): string {
  if (sampling === 'full') return '';
  const select = /* wgsl */ `
  if (params.batch_size > 1u) {
    // Selection sampling: take i with probability needed / remaining (certain once they are equal).
    loop {
      let i = (*cursor).x;
      (*cursor).x = i + 1u;
      let needed = params.batch_size - (*cursor).y;
      let remaining = params.sample_count - i;
      if (needed == remaining || rng_uniform_below(remaining, key, i) < needed) {
        (*cursor).y += 1u;
        return i;
      }
    }
  }`;
  return /* wgsl */ `
fn batch_key(p: u32, t: u32) -> vec2u {
  return rng_threefry2x32(vec2u(params.seed, ${LANDSCAPE_STREAMS.batch}u), vec2u(p, t));
}
fn next_batch_component(key: vec2u, cursor: ptr<function, vec2u>) -> u32 {${sampling === 'without-replacement' ? select : ''}
  let k = (*cursor).y;
  (*cursor).y = k + 1u;
  return rng_index_below(rng_threefry2x32(key, vec2u(k, 0u)).x, params.sample_count);
}
`;
}

/** quadratic-sum: a_batch = mean of the batch's a_i (f = (1/(2n)) sum a_i x^2, grad_i = a_i x). */
function quadraticSumSnippet(sampling: ComponentSampling): string {
  const batchMean =
    sampling === 'full'
      ? ''
      : /* wgsl */ `
fn batch_curvature(cell_offset: u32, p: u32, t: u32) -> f32 {
  let key = batch_key(p, t);
  var cursor = vec2u(0u);
  var sum = 0.0;
  for (var k = 0u; k < params.batch_size; k++) { sum += curvatures[cell_offset + next_batch_component(key, &cursor)]; }
  return sum / f32(params.batch_size);
}
`;
  return /* wgsl */ `
// a = (1/n) sum_i a_i of the particle's cell, summed in index order (GD's curvature and f's).
fn cell_curvature(cell_offset: u32) -> f32 {
  var sum = 0.0;
  for (var i = 0u; i < params.sample_count; i++) { sum += curvatures[cell_offset + i]; }
  return sum / f32(params.sample_count);
}
${batchMean}`;
}

/** escape: f = (f1 + f2)/2, f_i = min(x^2, c_i (x - 1)^2); a tie takes the x^2 branch. */
function escapeSnippet(sampling: ComponentSampling): string {
  const batchGradient =
    sampling === 'full'
      ? /* wgsl */ `
fn landscape_gradient(x: Point, p: u32, t: u32) -> Point {
  return Point((component_gradient(x[0], 0u) + component_gradient(x[0], 1u)) / 2.0);
}`
      : /* wgsl */ `
fn landscape_gradient(x: Point, p: u32, t: u32) -> Point {
  let key = batch_key(p, t);
  var cursor = vec2u(0u);
  var sum = 0.0;
  for (var k = 0u; k < params.batch_size; k++) { sum += component_gradient(x[0], next_batch_component(key, &cursor)); }
  return Point(sum / f32(params.batch_size));
}`;
  return /* wgsl */ `
fn escape_coefficient(i: u32) -> f32 {
  return select(params.coefficient1, params.coefficient2, i == 1u);
}
fn component_value(x: f32, i: u32) -> f32 {
  let d = x - 1.0;
  return min(x * x, escape_coefficient(i) * d * d);
}
// f_i' = 2x on the x^2 branch, 2 c_i (x - 1) on the other.
fn component_gradient(x: f32, i: u32) -> f32 {
  let c = escape_coefficient(i);
  let d = x - 1.0;
  if (x * x <= c * d * d) { return 2.0 * x; }
  return 2.0 * c * d;
}
fn landscape_value(x: Point, p: u32) -> f32 {
  return (component_value(x[0], 0u) + component_value(x[0], 1u)) / 2.0;
}
${batchGradient}
`;
}

/** strict-saddle: f = x^2/2 + y^4/4 - y^2/2, grad = (x, y^3 - y); saddle 0, minima (0, +-1). */
const strictSaddleSnippet = /* wgsl */ `
fn landscape_value(x: Point, p: u32) -> f32 {
  let y2 = x[1] * x[1];
  return 0.5 * x[0] * x[0] + 0.25 * y2 * y2 - 0.5 * y2;
}
fn landscape_gradient(x: Point, p: u32, t: u32) -> Point {
  return Point(x[0], x[1] * x[1] * x[1] - x[1]);
}
`;

/** perko: v(x) = (-x1, -x2 + x1^2, x3 + x1^2) (Perko's stable-manifold example; no potential, value = |x|). */
function perkoSnippet(integrator: Integrator): string {
  const step =
    integrator === 'euler'
      ? /* wgsl */ `
// Explicit Euler: x <- x + h v(x).
fn perko_step(x: Point, h: f32) -> Point {
  return axpy(h, perko_field(x), x);
}`
      : /* wgsl */ `
// Classical RK4: x <- x + h (k1 + 2 k2 + 2 k3 + k4) / 6.
fn perko_step(x: Point, h: f32) -> Point {
  let k1 = perko_field(x);
  let k2 = perko_field(axpy(0.5 * h, k1, x));
  let k3 = perko_field(axpy(0.5 * h, k2, x));
  let k4 = perko_field(axpy(h, k3, x));
  return axpy(h / 6.0, k4, axpy(h / 3.0, k3, axpy(h / 3.0, k2, axpy(h / 6.0, k1, x))));
}`;
  return /* wgsl */ `
fn perko_field(x: Point) -> Point {
  let square = x[0] * x[0];
  return Point(-x[0], -x[1] + square, x[2] + square);
}
fn landscape_value(x: Point, p: u32) -> f32 {
  return norm_of(x);
}
${step}
`;
}

/** The user's f and gradient, each on lines of its own after a marker, starting at column 1. */
function userExpressionFunctions(k: number, expression: LandscapeExpressionText): string {
  const gradient = expression.gradient
    .map((text, c) => `  g[${c}] = (\n${USER_EXPRESSION_MARKER}gradient[${c}]\n${text}\n  );`)
    .join('\n');
  return /* wgsl */ `
fn user_value(x: array<f32, ${k}>) -> f32 {
  return (
${USER_EXPRESSION_MARKER}value
${expression.value}
  );
}
fn user_gradient(x: array<f32, ${k}>) -> array<f32, ${k}> {
  var g: array<f32, ${k}>;
${gradient}
  return g;
}
`;
}

/** expression: the landscape is the user's f and gradient. */
function expressionSnippet(k: number, expression: LandscapeExpressionText): string {
  return /* wgsl */ `${userExpressionFunctions(k, expression)}
fn landscape_value(x: Point, p: u32) -> f32 {
  return user_value(x);
}
fn landscape_gradient(x: Point, p: u32, t: u32) -> Point {
  return user_gradient(x);
}
`;
}

/** G^{-1/2} g for G = delta0^2 I + acc (full-matrix AdaGrad), k >= 2. */
function inverseSqrtSnippet(k: number): string {
  if (k === 2) {
    // sqrt(G) = (G + s I) / t with s = sqrt(det G), t = sqrt(tr G + 2 s); so
    // G^{-1/2} = adj(G + s I) / (t s) = [[c + s, -b], [-b, a + s]] / (t s). det G >= delta0^4.
    return /* wgsl */ `
fn inverse_sqrt_times(acc: array<f32, 4>, g: Point) -> Point {
  let a = acc[0] + params.delta0_squared;
  let b = acc[1];
  let c = acc[3] + params.delta0_squared;
  let s = sqrt(max(a * c - b * b, params.delta0_squared * params.delta0_squared));
  let scale = 1.0 / (sqrt(a + c + 2.0 * s) * s);
  return Point(((c + s) * g[0] - b * g[1]) * scale, (-b * g[0] + (a + s) * g[1]) * scale);
}
`;
  }
  const kk = k * k;
  // Cyclic Jacobi (Golub and Van Loan, sym.schur2): A <- J^T A J zeroes A_pq, V <- V J; then
  // G^{-1/2} g = V diag(lambda)^{-1/2} V^T g, lambda clamped to >= delta0^2 (true in exact arithmetic).
  return /* wgsl */ `
fn inverse_sqrt_times(acc: array<f32, ${kk}>, g_in: Point) -> Point {
  var a = acc;
  var v: array<f32, ${kk}>;
  var g = g_in;
  for (var i = 0u; i < ${k}u; i++) {
    a[i * ${k}u + i] += params.delta0_squared;
    v[i * ${k}u + i] = 1.0;
  }
  for (var sweep = 0u; sweep < ${JACOBI_SWEEPS}u; sweep++) {
    for (var p = 0u; p < ${k - 1}u; p++) {
      for (var q = p + 1u; q < ${k}u; q++) {
        let apq = a[p * ${k}u + q];
        let app = a[p * ${k}u + p];
        let aqq = a[q * ${k}u + q];
        if (abs(apq) <= 6e-8 * sqrt(abs(app * aqq))) { continue; }
        let tau = (aqq - app) / (2.0 * apq);
        let root = select(abs(tau) + sqrt(tau * tau + 1.0), 2.0 * abs(tau), abs(tau) > 1e18);
        let tangent = select(-1.0, 1.0, tau >= 0.0) / root;
        let cosine = 1.0 / sqrt(tangent * tangent + 1.0);
        let sine = tangent * cosine;
        for (var r = 0u; r < ${k}u; r++) {
          let arp = a[r * ${k}u + p];
          let arq = a[r * ${k}u + q];
          a[r * ${k}u + p] = cosine * arp - sine * arq;
          a[r * ${k}u + q] = sine * arp + cosine * arq;
          let vrp = v[r * ${k}u + p];
          let vrq = v[r * ${k}u + q];
          v[r * ${k}u + p] = cosine * vrp - sine * vrq;
          v[r * ${k}u + q] = sine * vrp + cosine * vrq;
        }
        for (var r = 0u; r < ${k}u; r++) {
          let apr = a[p * ${k}u + r];
          let aqr = a[q * ${k}u + r];
          a[p * ${k}u + r] = cosine * apr - sine * aqr;
          a[q * ${k}u + r] = sine * apr + cosine * aqr;
        }
      }
    }
  }
  var w: Point;
  for (var i = 0u; i < ${k}u; i++) {
    var projection = 0.0;
    for (var r = 0u; r < ${k}u; r++) { projection += v[r * ${k}u + i] * g[r]; }
    w[i] = projection / sqrt(max(a[i * ${k}u + i], params.delta0_squared));
  }
  var out: Point;
  for (var r = 0u; r < ${k}u; r++) {
    var sum = 0.0;
    for (var i = 0u; i < ${k}u; i++) { sum += v[r * ${k}u + i] * w[i]; }
    out[r] = sum;
  }
  return out;
}
`;
}

/**
 * The preconditioned step d = Gamma_t g (docs/science.md section 7), with the accumulators updated first
 * (AdaGrad's sums run over s <= t), from the shared rule_* functions of shaders/update-rules.wgsl.ts
 * (delta0^2 inside the root, unlike optim's epsilon-outside AdaGrad). WGSL text inside the step loop;
 * `alpha`, `g`, `acc` are in scope.
 */
function preconditionBody(optimizer: LandscapeOptimizer, k: number): string {
  const loop = (body: string) => `for (var c = 0u; c < ${k}u; c++) { ${body} }`;
  switch (optimizer) {
    case 'gd':
      return `var d = g;\n      ${loop('d[c] = alpha * g[c];')}`;
    case 'adagrad':
      return `var d = g;\n      ${loop('acc[c] = rule_accumulate_square(acc[c], g[c]); d[c] = rule_delta0_adagrad_step(alpha, g[c], params.delta0_squared, acc[c]);')}`;
    case 'adanorm':
      return `var d = g;\n      ${loop('acc[0] = rule_accumulate_square(acc[0], g[c]);')}\n      let scale = rule_adaptive_step_size(alpha, params.delta0_squared, acc[0]);\n      ${loop('d[c] = scale * g[c];')}`;
    case 'adagrad-full':
      if (k === 1) return `var d = g;\n      acc[0] = rule_accumulate_square(acc[0], g[0]);\n      d[0] = rule_delta0_adagrad_step(alpha, g[0], params.delta0_squared, acc[0]);`;
      return `for (var i = 0u; i < ${k}u; i++) { for (var j = 0u; j < ${k}u; j++) { acc[i * ${k}u + j] += g[i] * g[j]; } }
      var d = inverse_sqrt_times(acc, g);
      ${loop('d[c] = alpha * d[c];')}`;
  }
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
      return `${quadraticSumSnippet(variant.sampling)}
fn landscape_value(x: Point, cell_mean: f32) -> f32 {
  return 0.5 * cell_mean * x[0] * x[0];
}`;
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
function threadEntry(name: string, index: string, count: string): string {
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

/**
 * landscape_gradient_check (expression only): for each check point, the user's gradient, the central
 * differences D(h/2) and D(h), D(h) = (f(x + h e_c) - f(x - h e_c)) / ((x + h e_c)_c - (x - h e_c)_c),
 * h = STEP max(1, |x_c|), and f(x): results [Q x (3k + 1)] = (gradient[k], D(h/2)[k], D(h)[k], value).
 * The host extrapolates (4 D(h/2) - D(h)) / 3 (Richardson: truncation O(h^4), noise <= 3 eps_f / h).
 */
export function gradientCheckSource(variant: LandscapeVariant): string {
  const k = variant.dim;
  return wgsl`
${GRADIENT_CHECK_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${GRADIENT_CHECK_PARAMS.name};
@group(0) @binding(1) var<storage, read> check_points: array<f32>;
@group(0) @binding(2) var<storage, read_write> check_results: array<f32>;
${linearWorkgroupIndex}
${userExpressionFunctions(k, variant.expression!)}
// D(h) along coordinate c, divided by the step actually taken in f32.
fn central_difference(x: array<f32, ${k}>, c: u32, h: f32) -> f32 {
  var up = x;
  var down = x;
  up[c] = up[c] + h;
  down[c] = down[c] - h;
  return (user_value(up) - user_value(down)) / (up[c] - down[c]);
}

${threadEntry('landscape_gradient_check', 'q', 'params.point_count')}
  var x: array<f32, ${k}>;
  for (var c = 0u; c < ${k}u; c++) { x[c] = check_points[q * ${k}u + c]; }
  var g = user_gradient(x);
  let out = q * ${3 * k + 1}u;
  for (var c = 0u; c < ${k}u; c++) {
    let h = ${GRADIENT_CHECK_RELATIVE_STEP} * max(1.0, abs(x[c]));
    check_results[out + c] = g[c];
    check_results[out + ${k}u + c] = central_difference(x, c, 0.5 * h);
    check_results[out + ${2 * k}u + c] = central_difference(x, c, h);
  }
  check_results[out + ${3 * k}u] = user_value(x);
}
`;
}
