/**
 * Wrappers for shaders/landscapes.wgsl.ts: a bound run (`bindLandscapeRun`) that advances P
 * independent optimizer runs by T steps in ONE queue submit, and a run that owns its buffers
 * (`createLandscapeSession`).
 * Within a dispatch each particle loops over its steps in registers (see the shader's header);
 * runs longer than spec.stepsPerDispatch are split into several dispatches of the same submit,
 * their (first_step, step_count, reset) params copied from a table between compute passes.
 */
import { ZodError } from 'zod';
import {
  GRADIENT_CHECK_PARAMS,
  GRADIENT_CHECK_RELATIVE_STEP,
  LANDSCAPE_ANCHOR_FIELDS,
  LANDSCAPE_RUN_PARAMS,
  USER_EXPRESSION_MARKER,
  gradientCheckSource,
  landscapeBindingNames,
  landscapeRunSource,
  type LandscapeVariant,
} from '../../shaders/landscapes.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize, createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError, ShaderCompilationError } from '../core/errors';
import { bindKernel, encodeWithParamsTable, runKernels, type BoundKernel, type KernelSource } from '../gpu/kernel';
import type { UniformValues } from '../core/uniform-struct';
import { checkBufferHolds, checkFinite, checkLength, checkSize } from '../gpu/validate';
import { LandscapeExpressionError, checkExpressionTokens } from '../core/landscape-expression';
import {
  LANDSCAPE_STAT_COUNT,
  LANDSCAPE_STREAMS,
  batchSizeOf,
  componentCountOf,
  componentSamplingOf,
  curvatureCells,
  landscapeDimOf,
  landscapeStartPoints,
  optimizerStateSize,
  parseLandscapeSpec,
  type ExpressionSpec,
  type LandscapeSpec,
  type LandscapeSpecInput,
} from '../core/landscape';

const NAME = 'landscapes/landscape_run';
const CHECK_NAME = 'landscapes/landscape_gradient_check';
const UINT32_RANGE = 2 ** 32;
/** f32 unit roundoff. */
const F32_EPSILON = 2 ** -24;

/** 64-bit FNV-1a-style digest (two 32-bit lanes) of the user text, so each expression gets its own pipeline. */
function textDigest(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193) >>> 0;
    b = Math.imul(b ^ text.charCodeAt(i), 0x5bd1e995) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** Start-up facts only: what changes the WGSL text (never P, n, lr or the step counts). */
export function landscapeCacheKey(variant: LandscapeVariant): string {
  const parts: string[] = [variant.kind, `k${variant.dim}`, variant.optimizer, variant.sampling];
  if (variant.kind === 'perko') parts.push(variant.integrator);
  if (variant.perParticleLearningRate) parts.push('lr-per-particle');
  if (variant.gradientNoise) parts.push('noise');
  if (variant.expression) parts.push(`expr-${textDigest([variant.expression.value, ...variant.expression.gradient].join('\u0000'))}`);
  return parts.join('-');
}

export const landscapeRunKernel: KernelSource<LandscapeVariant> = {
  family: 'landscapes',
  entryPoint: 'landscape_run',
  source: landscapeRunSource,
  cacheKey: landscapeCacheKey,
};

export const landscapeGradientCheckKernel: KernelSource<LandscapeVariant> = {
  family: 'landscapes',
  entryPoint: 'landscape_gradient_check',
  source: gradientCheckSource,
  cacheKey: landscapeCacheKey,
};

/** Parses a spec, turning zod's issues into a KernelArgumentError that names the field. */
function parseSpec(kernel: string, input: LandscapeSpecInput | LandscapeSpec): LandscapeSpec {
  try {
    return parseLandscapeSpec(input);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const issue = error.issues[0]!;
    throw new KernelArgumentError(kernel, `spec.${issue.path.join('.') || '(root)'}`, issue.message);
  }
}

/** The variant a spec runs with. */
export function landscapeVariant(spec: LandscapeSpec, perParticleLearningRate: boolean): LandscapeVariant {
  return {
    kind: spec.kind,
    dim: landscapeDimOf(spec),
    optimizer: spec.optimizer,
    integrator: spec.kind === 'perko' ? spec.integrator : 'euler',
    sampling: componentSamplingOf(spec),
    perParticleLearningRate,
    gradientNoise: spec.noiseStd > 0,
    ...(spec.kind === 'expression' ? { expression: { value: spec.value, gradient: spec.gradient } } : {}),
  };
}

/** Elements of each buffer landscape_run binds, by binding name. */
export function landscapeBufferSizes(spec: LandscapeSpec): Record<'positions' | 'stats' | 'state' | 'learningRates' | 'curvatures', number> {
  const k = landscapeDimOf(spec);
  const P = spec.particleCount;
  const cells = spec.kind === 'quadratic-sum' ? curvatureCells(spec.curvatures) : [];
  return {
    positions: P * k,
    stats: P * LANDSCAPE_STAT_COUNT,
    state: P * optimizerStateSize(spec.optimizer, k),
    learningRates: P,
    curvatures: cells.length * (cells[0]?.length ?? 0),
  };
}

/** Which steps one dispatch runs. */
export interface LandscapeChunk {
  readonly firstStep: number;
  readonly stepCount: number;
  /** Start fresh: zero accumulators, stats from x. */
  readonly reset: boolean;
}

/** The anchor fields of the uniform: coordinate c of `anchor`, 0 past its end (or for no anchor). */
function anchorValues(anchor: readonly number[] | undefined): UniformValues<typeof LANDSCAPE_ANCHOR_FIELDS> {
  const fields = Object.keys(LANDSCAPE_ANCHOR_FIELDS).map((field, c) => [field, anchor?.[c] ?? 0]);
  return Object.fromEntries(fields) as UniformValues<typeof LANDSCAPE_ANCHOR_FIELDS>;
}

/** Uniform bytes of landscape_run (LANDSCAPE_RUN_PARAMS) for one chunk of steps. */
export function landscapeRunParams(spec: LandscapeSpec, chunk: LandscapeChunk): ArrayBuffer {
  const isSampled = spec.kind === 'quadratic-sum' || spec.kind === 'escape';
  const cellCount = spec.kind === 'quadratic-sum' ? curvatureCells(spec.curvatures).length : 1;
  const coefficients = spec.kind === 'escape' ? spec.coefficients : [0, 0];
  return LANDSCAPE_RUN_PARAMS.pack({
    particle_count: spec.particleCount,
    first_step: chunk.firstStep,
    step_count: chunk.stepCount,
    reset: chunk.reset ? 1 : 0,
    seed: spec.seed,
    sample_count: isSampled ? componentCountOf(spec) : 0,
    batch_size: batchSizeOf(spec),
    particles_per_cell: spec.particleCount / cellCount,
    inverse_sqrt_schedule: spec.schedule === 'inverse-sqrt' ? 1 : 0,
    learning_rate: spec.learningRate,
    delta0_squared: spec.delta0 * spec.delta0,
    noise_std: spec.noiseStd,
    exit_radius: spec.exitRadius,
    coefficient1: coefficients[0]!,
    coefficient2: coefficients[1]!,
    ...anchorValues(spec.exitAnchor),
  });
}

/** Buffers of landscape_run; optional ones bind only when the spec needs them (see landscapeBindingNames). */
export interface LandscapeBuffers {
  /** f32 [P x k], read and written. */
  readonly positions: GPUBuffer;
  /** f32 [P x 4]: value, maxNorm, exitStep, logGrowth. */
  readonly stats: GPUBuffer;
  /** f32 [P x S], the optimizer's accumulators (adaptive rules only). */
  readonly state?: GPUBuffer;
  /** f32 [P]: per-particle learning rates; present = used instead of spec.learningRate. */
  readonly learningRates?: GPUBuffer;
  /** f32 [C x n], the cells' curvature lists (quadratic-sum only). */
  readonly curvatures?: GPUBuffer;
}

/**
 * P independent runs on GPU buffers. `record` appends T steps to a command encoder (several
 * dispatches when T > stepsPerDispatch, all in that encoder); `run` records and submits. The first
 * recorded chunk after creation or `restart` resets the accumulators and statistics.
 */
export class LandscapeRun {
  /** Steps taken so far: also the step index t of the next step (schedule and random counters). */
  stepsTaken = 0;
  private resetPending = true;
  private readonly pendingTables: GPUBuffer[] = [];

  constructor(
    private readonly gpu: GpuContext,
    public spec: LandscapeSpec,
    private readonly kernel: BoundKernel,
  ) {}

  /** Appends `stepCount` steps (0 only records the reset) to `encoder`; the caller submits it. */
  record(encoder: GPUCommandEncoder, stepCount: number): void {
    if (!Number.isInteger(stepCount) || stepCount < 0) throw new KernelArgumentError(NAME, 'stepCount', `must be an integer >= 0, got ${stepCount}`);
    if (this.stepsTaken + stepCount >= UINT32_RANGE) throw new KernelArgumentError(NAME, 'stepCount', 'takes the step counter past 2^32 - 1; restart the run');
    const perDispatch = this.spec.stepsPerDispatch;
    const chunks: LandscapeChunk[] = [];
    for (let done = 0; done < stepCount || (chunks.length === 0 && this.resetPending); done += perDispatch) {
      chunks.push({ firstStep: this.stepsTaken + done, stepCount: Math.min(perDispatch, stepCount - done), reset: this.resetPending && done === 0 });
    }
    if (chunks.length === 0) return;
    this.pendingTables.push(encodeWithParamsTable(this.gpu.device, encoder, this.kernel, NAME, chunks.map((chunk) => landscapeRunParams(this.spec, chunk))));
    this.stepsTaken += stepCount;
    this.resetPending = false;
  }

  /** Runs `stepCount` more steps in one submit and waits for the queue. */
  async run(stepCount: number): Promise<void> {
    const encoder = this.gpu.device.createCommandEncoder({ label: NAME });
    this.record(encoder, stepCount);
    this.gpu.device.queue.submit([encoder.finish()]);
    await this.gpu.device.queue.onSubmittedWorkDone();
    this.releaseTables();
  }

  /** Frees the params tables of recorded chunks; call after the submit holding them completed. */
  releaseTables(): void {
    for (const table of this.pendingTables.splice(0)) table.destroy();
  }

  /** The next recorded chunk continues at step t from whatever the buffers hold (a checkpoint written back). */
  resumeAt(stepsTaken: number): void {
    if (!Number.isInteger(stepsTaken) || stepsTaken < 0 || stepsTaken >= UINT32_RANGE) throw new KernelArgumentError(NAME, 'stepsTaken', `must be an integer in [0, 2^32), got ${stepsTaken}`);
    this.stepsTaken = stepsTaken;
    this.resetPending = false;
  }

  /** From the next recorded chunk on (spec.learningRate; a run with per-particle rates keeps its buffer). */
  setLearningRate(learningRate: number): void {
    if (!(Number.isFinite(learningRate) && learningRate >= 0)) throw new KernelArgumentError(NAME, 'learningRate', `is ${learningRate}; must be finite and >= 0`);
    this.spec = { ...this.spec, learningRate };
  }

  /** The next recorded chunk starts a fresh run at t = 0 from whatever the positions buffer holds. */
  restart(): void {
    this.stepsTaken = 0;
    this.resetPending = true;
  }

  destroy(): void {
    this.releaseTables();
    this.kernel.destroy();
  }
}

/** Runs a kernel compile and reports errors inside the user's text against the user's own lines. */
async function bindWithExpressionErrors(gpu: GpuContext, kernel: KernelSource<LandscapeVariant>, variant: LandscapeVariant, call: Parameters<typeof bindKernel>[3]): Promise<BoundKernel> {
  try {
    return await bindKernel(gpu, kernel, variant, call);
  } catch (error) {
    if (error instanceof ShaderCompilationError && variant.expression) throw expressionCompileError(error, kernel.source(variant), variant);
    throw error;
  }
}

/**
 * Maps the first compile message to the user expression whose lines (or enclosing statement) hold
 * it: line and column count within the user's text. Messages elsewhere keep the generated line.
 */
export function expressionCompileError(error: ShaderCompilationError, source: string, variant: LandscapeVariant): LandscapeExpressionError | ShaderCompilationError {
  const expression = variant.expression!;
  const lines = source.split('\n');
  const regions: { name: string; text: string; start: number; end: number }[] = [];
  lines.forEach((line, index) => {
    if (!line.startsWith(USER_EXPRESSION_MARKER)) return;
    const name = line.slice(USER_EXPRESSION_MARKER.length);
    const gradientIndex = /^gradient\[(\d+)\]$/.exec(name)?.[1];
    const text = gradientIndex === undefined ? expression.value : expression.gradient[Number(gradientIndex)]!;
    const start = index + 2; // 1-based line of the text's first line
    regions.push({ name, text, start, end: start + text.split('\n').length - 1 });
  });
  for (const message of error.messages) {
    const inside = regions.find((r) => message.lineNum >= r.start && message.lineNum <= r.end);
    if (inside) return new LandscapeExpressionError(inside.name, message.lineNum - inside.start + 1, message.linePos, message.message, inside.text);
    // The statement around the text: `return (` / `g[c] = (` two lines above, `);` one line below.
    const around = regions.find((r) => message.lineNum >= r.start - 2 && message.lineNum <= r.end + 1);
    if (around) return new LandscapeExpressionError(around.name, 1, 1, `${message.message} (the expression as a whole must be an f32)`, around.text);
  }
  return error;
}

/** One disagreement found by the gradient check. */
export interface GradientMismatch {
  readonly point: number[];
  readonly coordinate: number;
  readonly analytic: number;
  readonly finiteDifference: number;
  readonly allowed: number;
}

export interface GradientCheckReport {
  /** Points checked [Q x k]. */
  readonly points: Float32Array;
  /** User gradient [Q x k], extrapolated central differences [Q x k] and f [Q]. */
  readonly gradient: Float32Array;
  readonly difference: Float32Array;
  readonly value: Float32Array;
  /** Coordinates compared (skipped: f not finite nearby, or not resolved at the step h). */
  readonly comparedCount: number;
  readonly mismatches: GradientMismatch[];
}

/** The user's gradient disagrees with (Richardson-extrapolated) central differences of the user's f. */
export class GradientCheckError extends Error {
  override name = 'GradientCheckError';
  constructor(readonly report: GradientCheckReport) {
    const first = report.mismatches[0]!;
    super(
      `expression landscape: gradient[${first.coordinate}] = ${first.analytic} at x = (${first.point.join(', ')}) but the central difference of value gives ${first.finiteDifference} ` +
        `(allowed difference ${first.allowed.toExponential(2)}; ${report.mismatches.length} of ${report.comparedCount} coordinates disagree). Fix the gradient expressions, or set gradientCheck to 'warn' or 'off'.`,
    );
  }
}

/** Random check points in [-2, 2)^k (see GRADIENT_CHECK_POINTS). */
export const GRADIENT_CHECK_POINTS = 8;
/**
 * Allowed |g - fd|: 2% of max(|g|, |fd|) (the O(h^4) truncation, h^4 f^(5) / 480, is far below that
 * for smooth f), plus the noise of the extrapolated quotient, 3 eps_f / h, where the GPU's f errs by
 * eps_f <= 2^-11 (WGSL's absolute bound for sin and cos) + 8 eps_f32 (|f| + 1) (rounding), plus 1e-4.
 * So a wrong gradient (missing factor, sign, term) is caught once it is off by more than about
 * 2% + 0.03; subtler slips pass, and f with very large high derivatives may need gradientCheck 'warn'.
 */
export const GRADIENT_CHECK_RELATIVE_TOLERANCE = 0.02;
/** WGSL's absolute error bound of sin and cos on [-pi, pi]. */
const BUILTIN_ABSOLUTE_ERROR = 2 ** -11;

/**
 * Evaluates the user's gradient and central differences of the user's f on the GPU at
 * GRADIENT_CHECK_POINTS random points (plus `extraPoints` [Q' x k], e.g. some start points) and
 * compares them on the CPU. Does not throw for mismatches; see `bindLandscapeRun` for that.
 */
export async function checkExpressionGradient(gpu: GpuContext, specInput: LandscapeSpecInput | LandscapeSpec, extraPoints?: ArrayLike<number>): Promise<GradientCheckReport> {
  const spec = parseSpec(CHECK_NAME, specInput);
  if (spec.kind !== 'expression') throw new KernelArgumentError(CHECK_NAME, 'spec.kind', `is '${spec.kind}'; the gradient check is for 'expression' landscapes`);
  checkUserText(spec);
  const k = spec.dim;
  const random = landscapeStartPoints(GRADIENT_CHECK_POINTS, new Array(k).fill(-2), new Array(k).fill(2), spec.seed, LANDSCAPE_STREAMS.gradientCheck);
  const extra = extraPoints ? Float32Array.from(extraPoints) : new Float32Array(0);
  if (extra.length % k !== 0) throw new KernelArgumentError(CHECK_NAME, 'extraPoints', `has ${extra.length} values, not a multiple of k = ${k}`);
  const points = new Float32Array(random.length + extra.length);
  points.set(random);
  points.set(extra, random.length);
  const Q = points.length / k;
  const stride = 3 * k + 1;
  const buffers = {
    points: createStorageBuffer(gpu, `${CHECK_NAME}/points`, points),
    results: createStorageBuffer(gpu, `${CHECK_NAME}/results`, Q * stride * 4),
  };
  try {
    const kernel = await bindWithExpressionErrors(gpu, landscapeGradientCheckKernel, landscapeVariant(spec, false), {
      params: GRADIENT_CHECK_PARAMS.pack({ point_count: Q }),
      buffers: [buffers.points, buffers.results],
      workgroupCount: Math.ceil(Q / ELEMENTWISE_WORKGROUP_SIZE),
    });
    await runKernels(gpu, CHECK_NAME, [kernel]);
    kernel.destroy();
    const results = await readFloat32(gpu, buffers.results, Q * stride);
    return compareGradient(points, results, k);
  } finally {
    Object.values(buffers).forEach((b) => b.destroy());
  }
}

/** Richardson's truncation is trusted while D(h/2) and D(h) agree within this share of the estimate. */
const RESOLVED_SHARE = 0.1;

/**
 * Compares g with the extrapolated difference fd = (4 D(h/2) - D(h)) / 3 per coordinate. Skipped, as
 * not comparable: points where f is not finite nearby, and where f is not resolved at the scale h
 * (|D(h/2) - D(h)| over 10% of |fd| beyond the noise: a pole or kink within h, e.g. log near 0).
 */
function compareGradient(points: Float32Array, results: Float32Array, k: number): GradientCheckReport {
  const Q = points.length / k;
  const stride = 3 * k + 1;
  const gradient = new Float32Array(Q * k);
  const difference = new Float32Array(Q * k);
  const value = new Float32Array(Q);
  const mismatches: GradientMismatch[] = [];
  let comparedCount = 0;
  for (let q = 0; q < Q; q++) {
    value[q] = results[q * stride + 3 * k]!;
    const valueError = BUILTIN_ABSOLUTE_ERROR + 8 * F32_EPSILON * (Math.abs(value[q]!) + 1);
    for (let c = 0; c < k; c++) {
      const g = results[q * stride + c]!;
      const half = results[q * stride + k + c]!;
      const full = results[q * stride + 2 * k + c]!;
      const fd = (4 * half - full) / 3;
      gradient[q * k + c] = g;
      difference[q * k + c] = fd;
      const h = GRADIENT_CHECK_RELATIVE_STEP * Math.max(1, Math.abs(points[q * k + c]!));
      const noise = (3 * valueError) / h;
      if (!Number.isFinite(fd) || !Number.isFinite(value[q]!)) continue;
      if (Math.abs(half - full) > RESOLVED_SHARE * Math.abs(fd) + noise) continue;
      comparedCount += 1;
      const allowed = GRADIENT_CHECK_RELATIVE_TOLERANCE * Math.max(Math.abs(g), Math.abs(fd)) + noise + 1e-4;
      if (!(Math.abs(g - fd) <= allowed)) {
        mismatches.push({ point: Array.from(points.subarray(q * k, (q + 1) * k)), coordinate: c, analytic: g, finiteDifference: fd, allowed });
      }
    }
  }
  return { points, gradient, difference, value, comparedCount, mismatches };
}

function checkUserText(spec: ExpressionSpec): void {
  checkExpressionTokens('value', spec.value);
  spec.gradient.forEach((text, c) => checkExpressionTokens(`gradient[${c}]`, text));
}

export interface BindLandscapeOptions {
  /** Start points to add to the expression's gradient check ([Q x k], a few suffice). */
  readonly gradientCheckPoints?: ArrayLike<number>;
}

/**
 * Binds landscape_run for `spec` on `buffers` (order: positions, stats, [state], [learningRates],
 * [curvatures]). For an expression: validates the text against the allow-list, compiles it (errors
 * point into the user's text) and runs the gradient check per spec.gradientCheck, before any run.
 */
export async function bindLandscapeRun(gpu: GpuContext, specInput: LandscapeSpecInput | LandscapeSpec, buffers: LandscapeBuffers, options: BindLandscapeOptions = {}): Promise<LandscapeRun> {
  const spec = parseSpec(NAME, specInput);
  const variant = landscapeVariant(spec, buffers.learningRates !== undefined);
  const sizes = landscapeBufferSizes(spec);
  if (sizes.positions >= UINT32_RANGE || (sizes.state >= UINT32_RANGE)) throw new KernelArgumentError(NAME, 'spec.particleCount', `${spec.particleCount} particles overflow the u32 index range`);
  const names = landscapeBindingNames(variant);
  const bound: GPUBuffer[] = names.map((name) => {
    const buffer = buffers[name as keyof LandscapeBuffers];
    if (!buffer) throw new KernelArgumentError(NAME, name, `is required for a ${spec.kind} run with optimizer ${spec.optimizer}`);
    checkBufferHolds(NAME, name, buffer, sizes[name as keyof typeof sizes]);
    return buffer;
  });
  if (spec.kind === 'expression') {
    checkUserText(spec);
    if (spec.gradientCheck !== 'off') {
      const report = await checkExpressionGradient(gpu, spec, options.gradientCheckPoints);
      if (report.mismatches.length > 0) {
        if (spec.gradientCheck === 'throw') throw new GradientCheckError(report);
        console.warn(new GradientCheckError(report).message);
      }
    }
  }
  const kernel = await bindWithExpressionErrors(gpu, landscapeRunKernel, variant, {
    params: landscapeRunParams(spec, { firstStep: 0, stepCount: 0, reset: true }),
    buffers: bound,
    workgroupCount: Math.ceil(spec.particleCount / ELEMENTWISE_WORKGROUP_SIZE),
  });
  return new LandscapeRun(gpu, spec, kernel);
}

/** Final positions and per-particle statistics of a landscape run (LandscapeSession.read), de-interleaved. */
export interface LandscapeResult {
  /** [P x k]. */
  readonly positions: Float32Array;
  readonly value: Float32Array;
  readonly maxNorm: Float32Array;
  /** First step count t with |x_t - anchor| > exitRadius, or -1 (0: the start was already outside); exact up to 2^24. */
  readonly exitStep: Float32Array;
  readonly logGrowth: Float32Array;
}

export interface RunLandscapeOptions {
  /** Per-particle learning rates [P] (finite, >= 0) replacing spec.learningRate. */
  readonly learningRates?: ArrayLike<number>;
}

/** Splits the interleaved [P x 4] stats. */
export function splitLandscapeStats(stats: Float32Array, particleCount: number): Omit<LandscapeResult, 'positions'> {
  const column = (i: number) => Float32Array.from({ length: particleCount }, (_, p) => stats[p * LANDSCAPE_STAT_COUNT + i]!);
  return { value: column(0), maxNorm: column(1), exitStep: column(2), logGrowth: column(3) };
}

/** A landscape run that owns its buffers: advance it with `run.run(T)`, read it with `read()` as often as wanted. */
export interface LandscapeSession {
  readonly run: LandscapeRun;
  /** Positions [P x k] and per-particle statistics after the steps taken so far. */
  read(): Promise<LandscapeResult>;
  /** The raw buffers a checkpoint keeps: positions [P x k], stats [P x 4], the optimizer's accumulators [P x S]. */
  readState(): Promise<LandscapeBufferState>;
  /** Writes a readState() back and continues at step `stepsTaken`. */
  writeState(state: LandscapeBufferState, stepsTaken: number): void;
  destroy(): void;
}

export interface LandscapeBufferState {
  readonly positions: Float32Array;
  readonly stats: Float32Array;
  /** Empty for rules without accumulators. */
  readonly state: Float32Array;
}

/** Uploads x0 [P x k] (and per-particle rates, curvature cells) and binds the run. All arguments are checked first. */
export async function createLandscapeSession(
  gpu: GpuContext,
  specInput: LandscapeSpecInput | LandscapeSpec,
  x0: ArrayLike<number>,
  options: RunLandscapeOptions = {},
): Promise<LandscapeSession> {
  const spec = parseSpec(NAME, specInput);
  const k = landscapeDimOf(spec);
  const P = spec.particleCount;
  const sizes = landscapeBufferSizes(spec);
  checkSize(NAME, 'spec.particleCount', P);
  checkLength(NAME, 'x0', x0, P * k, `[${P} x ${k}]`);
  const start = Float32Array.from(x0);
  checkFinite(NAME, 'x0 (as float32)', start);
  const curvatures = spec.kind === 'quadratic-sum' ? Float32Array.from(curvatureCells(spec.curvatures).flat()) : undefined;
  if (curvatures) checkFinite(NAME, 'spec.curvatures (as float32)', curvatures);
  const learningRates = options.learningRates ? Float32Array.from(options.learningRates) : undefined;
  if (learningRates) {
    checkLength(NAME, 'learningRates', learningRates, P, `[${P}]`);
    checkFinite(NAME, 'learningRates (as float32)', learningRates);
    const negative = learningRates.findIndex((lr) => lr < 0);
    if (negative >= 0) throw new KernelArgumentError(NAME, 'learningRates', `is ${learningRates[negative]} at index ${negative}; learning rates must be >= 0`);
  }
  for (const [name, count] of Object.entries(sizes)) checkBufferSize(gpu, name, count * 4, NAME);

  const label = (name: string) => `${NAME}/${name}`;
  const owned: Record<string, GPUBuffer> = {
    positions: createStorageBuffer(gpu, label('positions'), start),
    stats: createStorageBuffer(gpu, label('stats'), sizes.stats * 4),
  };
  if (sizes.state > 0) owned.state = createStorageBuffer(gpu, label('state'), sizes.state * 4);
  if (learningRates) owned.learningRates = createStorageBuffer(gpu, label('learningRates'), learningRates);
  if (curvatures) owned.curvatures = createStorageBuffer(gpu, label('curvatures'), curvatures);
  const free = () => Object.values(owned).forEach((b) => b.destroy());
  let run: LandscapeRun;
  try {
    run = await bindLandscapeRun(gpu, spec, owned as unknown as LandscapeBuffers, { gradientCheckPoints: start.subarray(0, Math.min(P, GRADIENT_CHECK_POINTS) * k) });
  } catch (error) {
    free();
    throw error;
  }
  return {
    run,
    async read() {
      const [positions, stats] = await Promise.all([readFloat32(gpu, owned.positions!, P * k), readFloat32(gpu, owned.stats!, sizes.stats)]);
      return { positions, ...splitLandscapeStats(stats, P) };
    },
    async readState() {
      const [positions, stats, state] = await Promise.all([
        readFloat32(gpu, owned.positions!, P * k),
        readFloat32(gpu, owned.stats!, sizes.stats),
        owned.state ? readFloat32(gpu, owned.state, sizes.state) : Promise.resolve(new Float32Array(0)),
      ]);
      return { positions, stats, state };
    },
    writeState(saved, stepsTaken) {
      const lengths = { positions: P * k, stats: sizes.stats, state: owned.state ? sizes.state : 0 };
      for (const name of ['positions', 'stats', 'state'] as const) {
        checkLength(NAME, name, saved[name], lengths[name], `[${lengths[name]}]`);
        if (lengths[name] > 0) gpu.device.queue.writeBuffer(owned[name]!, 0, Float32Array.from(saved[name]));
      }
      run.resumeAt(stepsTaken);
    },
    destroy() {
      run.destroy();
      free();
    },
  };
}
