/**
 * float64 twin of shaders/landscapes.wgsl.ts, written from docs/science.md sections 4 and 7 and the
 * conventions of src/core/landscape.ts, not from the WGSL. Inputs are taken as the GPU sees them
 * (x0, curvatures, learning rates, coefficients and anchor rounded to float32, as uploading them
 * does); everything after that runs in float64. Minibatches use the same integer-exact Threefry
 * draws as the kernel (key_pt = threefry((seed, batch stream), (p, t)), then index_below or selection
 * sampling), so GPU and twin see the same batches; gradient noise uses the same blocks (equal to
 * the GPU's normals up to its log/cos accuracy). Full-matrix AdaGrad uses ml-matrix's symmetric
 * eigen-solve, independent of the kernel's closed form / Jacobi iteration.
 *
 * Parts: the minibatch draw (./landscape-sampling.ts), each kind's f and gradient
 * (./landscape-functions.ts), the optimizers' steps (./landscape-preconditioners.ts); this file runs
 * the particles.
 */
import {
  LANDSCAPE_STREAMS,
  batchSizeOf,
  componentCountOf,
  componentSamplingOf,
  curvatureCells,
  landscapeDimOf,
  landscapeSchedule,
  optimizerStateSize,
  type ComponentSampling,
  type LandscapeSpec,
} from '../core/landscape';
import { normalFromBits, threefry2x32 } from '../core/random';
import { learningRateAt } from '../core/schedule';
import { accumulateSquare, adaptiveStepSize } from './update-rules';
import { batchComponents } from './landscape-sampling';
import { escapeComponent, perkoStep, strictSaddleGradient, strictSaddleValue } from './landscape-functions';
import { precondition } from './landscape-preconditioners';

/** A user expression's twin: f and its gradient as TS functions of x (length k). */
export interface ExpressionTwin {
  value(x: Float64Array): number;
  gradient(x: Float64Array): ArrayLike<number>;
}

export interface LandscapeTwinOptions {
  /** Per-particle learning rates [P] replacing spec.learningRate. */
  readonly learningRates?: ArrayLike<number>;
  /** Required for kind 'expression'. */
  readonly expression?: ExpressionTwin;
}

/** Final positions [P x k] and the per-particle statistics (see LANDSCAPE_STATS). */
export interface LandscapeTwinResult {
  readonly positions: Float64Array;
  /** f(x_T) (|x_T| for perko). */
  readonly value: Float64Array;
  /** max over t = 0..T of |x_t|. */
  readonly maxNorm: Float64Array;
  /** First t >= 0 with |x_t - anchor| > exitRadius, or -1. */
  readonly exitStep: Float64Array;
  /** log|x_T| - log|x_0| (quadratic-sum: sum_t log|m_t|, valid past any overflow). */
  readonly logGrowth: Float64Array;
}

const f32 = Math.fround;
const MIN_NORMAL_F32 = 2 ** -126;

function norm(x: ArrayLike<number>): number {
  let sum = 0;
  for (let c = 0; c < x.length; c++) sum += x[c]! * x[c]!;
  return Math.sqrt(sum);
}

function mean(values: readonly number[], indices: readonly number[]): number {
  let sum = 0;
  for (const i of indices) sum += values[i]!;
  return sum / indices.length;
}

/** Gradient (and value) of one particle's landscape; `t` and `p` select the minibatch. */
function gradientAt(spec: LandscapeSpec, x: Float64Array, p: number, t: number, expression: ExpressionTwin | undefined): ArrayLike<number> {
  switch (spec.kind) {
    case 'escape': {
      const n = componentCountOf(spec);
      const batch = batchComponents(spec.seed, p, t, n, batchSizeOf(spec), componentSamplingOf(spec));
      let sum = 0;
      for (const i of batch) sum += escapeComponent(x[0]!, f32(spec.coefficients[i]!)).gradient;
      return [sum / batch.length];
    }
    case 'strict-saddle':
      return strictSaddleGradient(x);
    case 'expression':
      return expression!.gradient(x);
    default:
      throw new Error(`gradientAt: ${spec.kind} has no gradient step`);
  }
}

function valueAt(spec: LandscapeSpec, x: Float64Array, cellMean: number, expression: ExpressionTwin | undefined): number {
  switch (spec.kind) {
    case 'quadratic-sum':
      return 0.5 * cellMean * x[0]! * x[0]!;
    case 'escape':
      return (escapeComponent(x[0]!, f32(spec.coefficients[0])).value + escapeComponent(x[0]!, f32(spec.coefficients[1])).value) / 2;
    case 'strict-saddle':
      return strictSaddleValue(x);
    case 'perko':
      return norm(x);
    case 'expression':
      return expression!.value(x);
  }
}

/**
 * Runs every particle `stepCount` steps from x0 [P x k] (steps t = 0 .. T-1) and returns what
 * landscape_run writes: positions and the statistics. `spec` must be parsed (defaults filled).
 */
export function simulateLandscape(spec: LandscapeSpec, x0: ArrayLike<number>, stepCount: number, options: LandscapeTwinOptions = {}): LandscapeTwinResult {
  const twin = new LandscapeTwin(spec, x0, options);
  twin.advance(stepCount);
  return twin.result();
}

/** One particle's run so far. */
interface ParticleRun {
  readonly x: Float64Array;
  /** The optimizer's accumulators. */
  readonly acc: Float64Array;
  lr: number;
  readonly cell: readonly number[];
  readonly cellMean: number;
  maxNorm: number;
  exitStep: number;
  /** quadratic-sum: sum_t log|m_t| so far; other kinds take log|x_T| - log|x_0| at the end. */
  logGrowth: number;
  readonly startNorm: number;
}

/**
 * The P runs advanced step by step (`advance` in any chunks gives the same result as one call: every
 * step reads only its absolute index t), with their state open for checkpoints.
 */
export class LandscapeTwin {
  stepsTaken = 0;
  private readonly k: number;
  private readonly particles: ParticleRun[] = [];
  private readonly anchor: number[];
  private readonly exitRadius: number;
  private readonly delta0Squared: number;
  private readonly noiseStd: number;
  private readonly sampling: ComponentSampling;
  private readonly expression: ExpressionTwin | undefined;

  constructor(
    private readonly spec: LandscapeSpec,
    x0: ArrayLike<number>,
    options: LandscapeTwinOptions = {},
  ) {
    const k = (this.k = landscapeDimOf(spec));
    const particleCount = spec.particleCount;
    if (x0.length !== particleCount * k) throw new RangeError(`simulateLandscape: x0 has ${x0.length} values, expected ${particleCount} x ${k}`);
    if (spec.kind === 'expression' && !options.expression) throw new RangeError('simulateLandscape: kind expression needs options.expression (its TS twin)');
    this.expression = options.expression;
    this.anchor = Array.from({ length: k }, (_, c) => f32(spec.exitAnchor?.[c] ?? 0));
    this.exitRadius = f32(spec.exitRadius);
    this.delta0Squared = f32(spec.delta0 * spec.delta0);
    this.noiseStd = f32(spec.noiseStd);
    this.sampling = componentSamplingOf(spec);
    const stateSize = optimizerStateSize(spec.optimizer, k);
    const cells = spec.kind === 'quadratic-sum' ? curvatureCells(spec.curvatures).map((cell) => cell.map(f32)) : [];
    const particlesPerCell = cells.length > 0 ? particleCount / cells.length : 1;
    for (let p = 0; p < particleCount; p++) {
      const x = Float64Array.from({ length: k }, (_, c) => f32(x0[p * k + c]!));
      const cell = cells[Math.floor(p / particlesPerCell)] ?? [];
      this.particles.push({
        x,
        acc: new Float64Array(stateSize),
        lr: f32(options.learningRates ? options.learningRates[p]! : spec.learningRate),
        cell,
        cellMean: cells.length > 0 ? mean(cell, cell.map((_, i) => i)) : 0,
        maxNorm: norm(x),
        exitStep: this.distance(x) > this.exitRadius ? 0 : -1,
        logGrowth: 0,
        startNorm: norm(x),
      });
    }
  }

  /** Takes `stepCount` more steps of every particle. */
  advance(stepCount: number): void {
    const { spec, k, expression, noiseStd, delta0Squared, sampling } = this;
    const first = this.stepsTaken;
    for (let p = 0; p < this.particles.length; p++) {
      const run = this.particles[p]!;
      const { x, acc, cell } = run;
      const stateSize = acc.length;
      const schedule = landscapeSchedule(run.lr, spec.schedule);
      for (let t = first; t < first + stepCount; t++) {
        const alpha = learningRateAt(schedule, t);
        if (spec.kind === 'perko') {
          x.set(perkoStep(x, alpha, spec.integrator));
        } else if (spec.kind === 'quadratic-sum') {
          // x_{t+1} = m x_t, m = 1 - gamma a_batch; gamma = alpha (gd) or alpha / sqrt(delta0^2 + sum g^2).
          const aBatch = sampling === 'full' ? run.cellMean : mean(cell, batchComponents(spec.seed, p, t, cell.length, batchSizeOf(spec), sampling));
          const g = aBatch * x[0]!;
          if (stateSize > 0) acc[0] = accumulateSquare(acc[0]!, g);
          const gamma = stateSize > 0 ? adaptiveStepSize(alpha, delta0Squared, acc[0]!) : alpha;
          const m = 1 - gamma * aBatch;
          x[0] = m * x[0]!;
          run.logGrowth += Math.log(Math.abs(m));
        } else {
          const g = Float64Array.from(gradientAt(spec, x, p, t, expression));
          if (noiseStd > 0) {
            for (let c = 0; c < k; c++) {
              const [word0, word1] = threefry2x32(spec.seed, LANDSCAPE_STREAMS.noise + c, p, t);
              g[c] = g[c]! + noiseStd * normalFromBits(word0, word1);
            }
          }
          const d = precondition(spec.optimizer, acc, g, alpha, delta0Squared);
          for (let c = 0; c < k; c++) x[c] = x[c]! - d[c]!;
        }
        const currentNorm = norm(x);
        if (currentNorm > run.maxNorm) run.maxNorm = currentNorm;
        if (run.exitStep < 0 && this.distance(x) > this.exitRadius) run.exitStep = t + 1;
      }
    }
    this.stepsTaken += stepCount;
  }

  /** From the next step on, every particle steps with this rate (rounded to float32, as uploading it does). */
  setLearningRate(learningRate: number): void {
    for (const run of this.particles) run.lr = f32(learningRate);
  }

  /** Positions and statistics now. */
  result(): LandscapeTwinResult {
    const { spec, k } = this;
    const particleCount = this.particles.length;
    const result = {
      positions: new Float64Array(particleCount * k),
      value: new Float64Array(particleCount),
      maxNorm: new Float64Array(particleCount),
      exitStep: new Float64Array(particleCount),
      logGrowth: new Float64Array(particleCount),
    };
    this.particles.forEach((run, p) => {
      const logGrowth = spec.kind === 'quadratic-sum' ? run.logGrowth : Math.log(Math.max(norm(run.x), MIN_NORMAL_F32)) - Math.log(Math.max(run.startNorm, MIN_NORMAL_F32));
      result.positions.set(run.x, p * k);
      result.value[p] = valueAt(spec, run.x, run.cellMean, this.expression);
      result.maxNorm[p] = run.maxNorm;
      result.exitStep[p] = run.exitStep;
      result.logGrowth[p] = logGrowth;
    });
    return result;
  }

  /**
   * Everything `restore` needs to continue exactly, as arrays laid out like the GPU's buffers: positions
   * [P x k]; per particle (f(x_t), max |x|, exit step, running log-growth) [P x 4]; accumulators [P x S].
   */
  snapshot(): LandscapeTwinState {
    const k = this.k;
    const stateSize = optimizerStateSize(this.spec.optimizer, k);
    const positions = new Float64Array(this.particles.length * k);
    const stats = new Float64Array(this.particles.length * 4);
    const accumulators = new Float64Array(this.particles.length * stateSize);
    this.particles.forEach((run, p) => {
      positions.set(run.x, p * k);
      stats.set([valueAt(this.spec, run.x, run.cellMean, this.expression), run.maxNorm, run.exitStep, run.logGrowth], p * 4);
      accumulators.set(run.acc, p * stateSize);
    });
    return { positions, stats, accumulators };
  }

  /** Continues at `stepsTaken` from a snapshot of a twin built on the same spec and x0. */
  restore(state: LandscapeTwinState, stepsTaken: number): void {
    const k = this.k;
    const stateSize = optimizerStateSize(this.spec.optimizer, k);
    const P = this.particles.length;
    if (state.positions.length !== P * k || state.stats.length !== P * 4 || state.accumulators.length !== P * stateSize) {
      throw new RangeError(`LandscapeTwin.restore: the state holds ${state.positions.length / k} particles' positions, ${state.stats.length / 4} stats rows and ${state.accumulators.length} accumulators; this run has ${P} particles of ${stateSize} accumulators`);
    }
    this.particles.forEach((run, p) => {
      run.x.set(state.positions.subarray(p * k, (p + 1) * k));
      run.acc.set(state.accumulators.subarray(p * stateSize, (p + 1) * stateSize));
      run.maxNorm = state.stats[p * 4 + 1]!;
      run.exitStep = state.stats[p * 4 + 2]!;
      run.logGrowth = state.stats[p * 4 + 3]!;
    });
    this.stepsTaken = stepsTaken;
  }

  private distance(x: ArrayLike<number>): number {
    return norm(Array.from({ length: this.k }, (_, c) => x[c]! - this.anchor[c]!));
  }
}

/** A LandscapeTwin's state at one step (see snapshot); start norms and cells follow from the spec and x0. */
export interface LandscapeTwinState {
  readonly positions: Float64Array;
  readonly stats: Float64Array;
  readonly accumulators: Float64Array;
}
