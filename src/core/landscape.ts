/**
 * Toy landscapes where every particle is one independent optimizer run (docs/science.md sections 4 and 7):
 * the spec (a discriminated union on `kind`), its zod schema with defaults, and the facts that the
 * GPU kernels (src/kernels/landscapes.ts) and the float64 twin (src/float64/landscapes.ts) share.
 *
 *   quadratic-sum  1-D  f(x) = (1/(2n)) sum_i a_i x^2, per-cell curvature lists (the (a, s) diagram)
 *   escape         1-D  f = (f1 + f2)/2, f_i = min(x^2, c_i (x - 1)^2), c = (0.1, 1.9)
 *   strict-saddle  2-D  f(x, y) = x^2/2 + y^4/4 - y^2/2
 *   perko          3-D  the vector field x1' = -x1, x2' = -x2 + x1^2, x3' = x3 + x1^2 (not a gradient)
 *   expression     k-D  a user-written WGSL expression for f and its gradient, k <= 8
 *
 * Update x_{t+1} = x_t - Gamma_t g_t with alpha_t = lr (constant) or lr / sqrt(t + 1) (inverse-sqrt),
 * t = 0, 1, ... the step index, and g_t the (minibatch) gradient plus optional Gaussian noise:
 *   gd            Gamma_t = alpha_t I                      (SGD when a minibatch is sampled)
 *   adagrad       Gamma_t = alpha_t diag(delta0^2 + sum_{s<=t} g_s^2)^{-1/2}   (diagonal, seed 004)
 *   adanorm       Gamma_t = alpha_t / sqrt(delta0^2 + sum_{s<=t} |g_s|^2)
 *   adagrad-full  Gamma_t = alpha_t G_t^{-1/2},  G_t = delta0^2 I + sum_{s<=t} g_s g_s^T
 * The perko field is integrated with x_{t+1} = x_t + h v(x_t) (euler) or classical RK4, h = lr.
 */
import { z } from 'zod';
import { uniformArray } from './random';
import type { LearningRateSchedule } from './schedule';

export type LandscapeKind = 'quadratic-sum' | 'escape' | 'strict-saddle' | 'perko' | 'expression';
export type LandscapeOptimizer = 'gd' | 'adagrad' | 'adanorm' | 'adagrad-full';
export type StepSchedule = 'constant' | 'inverse-sqrt';
export type Integrator = 'euler' | 'rk4';
/** How each step's minibatch of components is drawn: all n in index order, or B per particle and step. */
export type ComponentSampling = 'full' | 'with-replacement' | 'without-replacement';

export const LANDSCAPE_KINDS: readonly LandscapeKind[] = ['quadratic-sum', 'escape', 'strict-saddle', 'perko', 'expression'];
export const LANDSCAPE_OPTIMIZERS: readonly LandscapeOptimizer[] = ['gd', 'adagrad', 'adanorm', 'adagrad-full'];

/** Largest dimension of a particle (the user expression's limit; built-in landscapes have k <= 3). */
export const MAX_LANDSCAPE_DIM = 8;

/**
 * Stream ids of the counter-based generator used here (key = (seed, stream), counter = (particle, step)).
 * Kept apart from RANDOM_STREAMS of conventions.ts (small ids) so the families never share a stream.
 */
export const LANDSCAPE_STREAMS = {
  /** Per (particle, step): the key of that step's minibatch (see shaders/landscapes.wgsl.ts). */
  batch: 0x100,
  /** Gradient noise of coordinate c uses stream noise + c, c < MAX_LANDSCAPE_DIM. */
  noise: 0x110,
  /** Random start points (landscapeStartPoints). */
  start: 0x120,
  /** Points of the expression's gradient check. */
  gradientCheck: 0x121,
} as const;

/** Per-particle statistics written by every run: [P x LANDSCAPE_STAT_COUNT], in this order. */
export const LANDSCAPE_STATS = ['value', 'maxNorm', 'exitStep', 'logGrowth'] as const;
export const LANDSCAPE_STAT_COUNT = LANDSCAPE_STATS.length;

/** The escape example's f_i = min(x^2, c_i (x - 1)^2) coefficients (docs/science.md section 4). */
export const ESCAPE_COEFFICIENTS: readonly [number, number] = [0.1, 1.9];

const finite = () => z.number().finite();
const positive = () => z.number().positive().finite();

const common = {
  /** P: independent runs. */
  particleCount: z.int().min(1).max(2 ** 31),
  /** lr (alpha; the Euler/RK4 step h for perko); a per-particle array may replace it at run time. */
  learningRate: positive(),
  schedule: z.enum(['constant', 'inverse-sqrt']).default('constant'),
  optimizer: z.enum(['gd', 'adagrad', 'adanorm', 'adagrad-full']).default('gd'),
  /**
   * delta0 of the adaptive rules (G_0 = delta0^2 I); the theory wants delta0 above the Lipschitz
   * constant. At least 1e-15 so delta0^2 stays a normal float32 (0 would make 0/0 where g = 0).
   */
  delta0: z.number().min(1e-15).finite().default(1),
  /** sigma: g_t = grad + sigma xi_t, xi_t ~ N(0, I) from the counter-based generator; 0 for none. */
  noiseStd: z.number().min(0).finite().default(0),
  /** u32 seed of every random stream of the run. */
  seed: z.int().min(0).max(2 ** 32 - 1).default(0),
  /** exitStep = the first t with |x_t - exitAnchor| > exitRadius (-1 if none). */
  exitRadius: positive().default(1e3),
  /** The anchor of the exit ball; length k (defaults to the origin). */
  exitAnchor: z.array(finite()).optional(),
  /** Steps one dispatch loops over before the state goes back to memory (keeps each dispatch short). */
  stepsPerDispatch: z.int().min(1).default(1024),
};

/** Minibatch of components: B absent means full-batch GD on all n. */
const minibatch = {
  batchSize: z.int().min(1).optional(),
  /** SGD with replacement; default false: distinct components within a step. */
  withReplacement: z.boolean().default(false),
};

export const quadraticSumSpecSchema = z
  .object({
    kind: z.literal('quadratic-sum'),
    ...common,
    ...minibatch,
    /**
     * Curvatures a_i: one list of n (shared by all particles) or one list per cell (all of length n);
     * particle p runs in cell floor(p / (P / C)), so P must be a multiple of the cell count C.
     */
    curvatures: z.union([z.array(finite()).min(1), z.array(z.array(finite()).min(1)).min(1)]),
  })
  .strict();

export const escapeSpecSchema = z
  .object({
    kind: z.literal('escape'),
    ...common,
    ...minibatch,
    /** c_1, c_2 of f_i = min(x^2, c_i (x - 1)^2). */
    coefficients: z.tuple([positive(), positive()]).default([ESCAPE_COEFFICIENTS[0], ESCAPE_COEFFICIENTS[1]]),
  })
  .strict();

export const strictSaddleSpecSchema = z.object({ kind: z.literal('strict-saddle'), ...common }).strict();

export const perkoSpecSchema = z
  .object({ kind: z.literal('perko'), ...common, integrator: z.enum(['euler', 'rk4']).default('euler') })
  .strict();

export const expressionSpecSchema = z
  .object({
    kind: z.literal('expression'),
    ...common,
    /** k: coordinates of x, read as x[0] .. x[k-1]. */
    dim: z.int().min(1).max(MAX_LANDSCAPE_DIM),
    /** f(x) as one WGSL f32 expression (see src/core/landscape-expression.ts for what it may use). */
    value: z.string().min(1),
    /** d f / d x[c] for c < k, one WGSL f32 expression each. */
    gradient: z.array(z.string().min(1)).min(1).max(MAX_LANDSCAPE_DIM),
    /** What a disagreement with central finite differences of f does. */
    gradientCheck: z.enum(['throw', 'warn', 'off']).default('throw'),
  })
  .strict();

export const landscapeSpecSchema = z
  .discriminatedUnion('kind', [quadraticSumSpecSchema, escapeSpecSchema, strictSaddleSpecSchema, perkoSpecSchema, expressionSpecSchema])
  .superRefine((spec, context) => {
    const issue = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message });
    const k = landscapeDimOf(spec);
    if (spec.exitAnchor && spec.exitAnchor.length !== k) issue(['exitAnchor'], `has ${spec.exitAnchor.length} coordinates, the ${spec.kind} landscape has ${k}`);
    if (spec.kind === 'expression' && spec.gradient.length !== spec.dim) {
      issue(['gradient'], `has ${spec.gradient.length} expressions, expected one per coordinate (dim = ${spec.dim})`);
    }
    if (spec.kind === 'perko') {
      if (spec.optimizer !== 'gd') issue(['optimizer'], `must be 'gd' for perko: the field is not a gradient, so it is integrated, not preconditioned`);
      if (spec.schedule !== 'constant') issue(['schedule'], `must be 'constant' for perko (a fixed integration step h)`);
      if (spec.noiseStd !== 0) issue(['noiseStd'], 'must be 0 for perko');
    }
    if (spec.kind === 'quadratic-sum') {
      if (spec.noiseStd !== 0) issue(['noiseStd'], 'must be 0 for quadratic-sum: its noise is the minibatch, and runs stay linear (x_{t+1} = m_t x_t)');
      const cells = curvatureCells(spec.curvatures);
      const n = cells[0]!.length;
      cells.forEach((cell, c) => cell.length !== n && issue(['curvatures', c], `has ${cell.length} curvatures, cell 0 has ${n}; every cell needs the same n`));
      if (spec.particleCount % cells.length !== 0) issue(['particleCount'], `${spec.particleCount} is not a multiple of the ${cells.length} cells`);
    }
    if (spec.kind === 'quadratic-sum' || spec.kind === 'escape') {
      const n = componentCountOf(spec);
      if (spec.batchSize !== undefined && spec.batchSize > n && !spec.withReplacement) {
        issue(['batchSize'], `is ${spec.batchSize}, over the ${n} components; sample with replacement or lower it`);
      }
    }
  });

export type LandscapeSpec = z.output<typeof landscapeSpecSchema>;
export type LandscapeSpecInput = z.input<typeof landscapeSpecSchema>;
export type QuadraticSumSpec = z.output<typeof quadraticSumSpecSchema>;
export type EscapeSpec = z.output<typeof escapeSpecSchema>;
export type ExpressionSpec = z.output<typeof expressionSpecSchema>;
export type PerkoSpec = z.output<typeof perkoSpecSchema>;

/** Validates a spec and fills in defaults; zod's errors name the field. */
export function parseLandscapeSpec(input: LandscapeSpecInput): LandscapeSpec {
  return landscapeSpecSchema.parse(input);
}

/** k, the dimension of one particle. */
export function landscapeDimOf(spec: { kind: LandscapeKind; dim?: number }): number {
  switch (spec.kind) {
    case 'quadratic-sum':
    case 'escape':
      return 1;
    case 'strict-saddle':
      return 2;
    case 'perko':
      return 3;
    case 'expression':
      return spec.dim ?? 1;
  }
}

/** The curvature table as cells x n, whichever form the spec used. */
export function curvatureCells(curvatures: readonly number[] | readonly (readonly number[])[]): (readonly number[])[] {
  return typeof curvatures[0] === 'number' ? [curvatures as readonly number[]] : [...(curvatures as readonly (readonly number[])[])];
}

/** n, the number of components f_i of a sampled landscape. */
export function componentCountOf(spec: QuadraticSumSpec | EscapeSpec): number {
  return spec.kind === 'escape' ? 2 : curvatureCells(spec.curvatures)[0]!.length;
}

/** Sampling rule of a sampled landscape: B absent (or B = n without replacement) is full-batch GD. */
export function componentSamplingOf(spec: LandscapeSpec): ComponentSampling {
  if (spec.kind !== 'quadratic-sum' && spec.kind !== 'escape') return 'full';
  const n = componentCountOf(spec);
  const batchSize = spec.batchSize ?? n;
  if (spec.withReplacement) return 'with-replacement';
  return batchSize === n ? 'full' : 'without-replacement';
}

/** B of a sampled landscape (n for full-batch GD); 0 for the others. */
export function batchSizeOf(spec: LandscapeSpec): number {
  if (spec.kind !== 'quadratic-sum' && spec.kind !== 'escape') return 0;
  return spec.batchSize ?? componentCountOf(spec);
}

/** Floats of optimizer state per particle: accumulators of g^2 (k), |g|^2 (1) or g g^T (k x k). */
export function optimizerStateSize(optimizer: LandscapeOptimizer, dim: number): number {
  switch (optimizer) {
    case 'gd':
      return 0;
    case 'adagrad':
      return dim;
    case 'adanorm':
      return 1;
    case 'adagrad-full':
      return dim * dim;
  }
}

/**
 * The landscape's schedule as the shared learning-rate schedule of src/core/schedule.ts: 'constant' or
 * 'inverse-sqrt' from lr, no warm-up. The config keeps its short form; the rates come from one implementation
 * (alpha_t = learningRateAt(schedule, t); the kernel's f32 twin is rule_inverse_sqrt_step_size of
 * shaders/update-rules.wgsl.ts).
 */
export function landscapeSchedule(learningRate: number, schedule: StepSchedule): LearningRateSchedule {
  return { kind: schedule, learningRate, warmupSteps: 0 };
}

/**
 * n curvatures with mean exactly a and population std exactly s (s^2 = mean a_i^2 - a^2): a two-point
 * law with q = floor(n / 2) values a + s sqrt((n - q) / q) and n - q values a - s sqrt(q / (n - q))
 * (for even n simply a + s and a - s). Then sum (a_i - a) = s (sqrt(q (n - q)) - sqrt(q (n - q))) = 0
 * and sum (a_i - a)^2 = s^2 ((n - q) + q) = n s^2. Curvatures may be negative when s > a (the
 * stability formulas hold regardless). n = 1 only admits s = 0.
 */
export function twoPointCurvatures(mean: number, std: number, sampleCount: number): number[] {
  if (!Number.isInteger(sampleCount) || sampleCount < 1) throw new RangeError(`twoPointCurvatures: n must be a positive integer, got ${sampleCount}`);
  if (!(std >= 0) || !Number.isFinite(std) || !Number.isFinite(mean)) throw new RangeError(`twoPointCurvatures: mean ${mean} and std ${std} must be finite, std >= 0`);
  if (sampleCount === 1) {
    if (std !== 0) throw new RangeError('twoPointCurvatures: one curvature has std 0; use n >= 2 for s > 0');
    return [mean];
  }
  const high = Math.floor(sampleCount / 2);
  const low = sampleCount - high;
  const up = mean + std * Math.sqrt(low / high);
  const down = mean - std * Math.sqrt(high / low);
  return Array.from({ length: sampleCount }, (_, i) => (i < high ? up : down));
}

/** One cell of the stability diagram: sharpness a, non-uniformity s, and its curvature list. */
export interface StabilityCell {
  readonly sharpness: number;
  readonly nonUniformity: number;
  readonly curvatures: number[];
}

/** The cells of an (a, s) grid, a-major: cell index = ia * sValues.length + is. */
export function stabilityGridCells(sharpnessValues: readonly number[], nonUniformityValues: readonly number[], sampleCount: number): StabilityCell[] {
  return sharpnessValues.flatMap((a) =>
    nonUniformityValues.map((s) => ({ sharpness: a, nonUniformity: s, curvatures: twoPointCurvatures(a, s, sampleCount) })),
  );
}

/**
 * P start points [P x k], uniform in the box [low_c, high_c) per coordinate, from the counter-based
 * generator (key (seed, stream), element p k + c, step 0): the same points on every backend.
 */
export function landscapeStartPoints(particleCount: number, low: readonly number[], high: readonly number[], seed = 0, stream: number = LANDSCAPE_STREAMS.start): Float32Array {
  const k = low.length;
  if (high.length !== k) throw new RangeError(`landscapeStartPoints: low has ${k} coordinates, high ${high.length}`);
  const u = uniformArray(seed, stream, 0, particleCount * k);
  return Float32Array.from(u, (value, e) => low[e % k]! + (high[e % k]! - low[e % k]!) * value);
}
