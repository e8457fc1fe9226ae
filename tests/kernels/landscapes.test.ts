import { describe, expect, it, vi } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../src/gpu/buffers';
import { KernelArgumentError } from '../../src/core/errors';
import { bindLandscapeRun } from '../../src/kernels/landscapes';
import { GradientCheckError, checkExpressionGradient } from '../../src/kernels/landscape-gradient-check';
import { splitLandscapeStats, type LandscapeResult } from '../../src/kernels/landscape-session';
import { LandscapeExpressionError } from '../../src/core/landscape-expression';
import { landscapeDimOf, landscapeStartPoints, parseLandscapeSpec, stabilityGridCells, twoPointCurvatures, type LandscapeSpecInput } from '../../src/core/landscape';
import { simulateLandscape, type ExpressionTwin, type LandscapeTwinResult } from '../../src/float64/landscapes';
import { batchComponents } from '../../src/float64/landscape-sampling';
import { strictSaddleGradient, strictSaddleValue } from '../../src/float64/landscape-functions';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { runLandscape } from '../helpers/kernel-arrays/landscapes';
import { choose, subsetFit } from '../helpers/statistics';
import { F32_EPSILON, expectClose, type Tolerance } from '../helpers/tolerance';

const P = 200; // not a multiple of the workgroup size: exercises the range guard
const STEPS = 60;

/**
 * Contracting (or neutral) runs: each float32 step rounds x by a few ulp relative and a contraction
 * does not amplify earlier errors, so after T steps |gpu - twin| <= c T eps |x| with c ~ 4; 16 T eps
 * (5.7e-5 at T = 60) leaves a 4x margin. The absolute part covers coordinates that converge to 0,
 * whose errors stay at the O(eps) level of the O(1) start. `expansion` scales the budget where the
 * dynamics amplifies earlier errors by a known factor. A wrong sign, factor or batch moves results by O(1).
 */
function contracting(steps: number, expansion = 1): Tolerance {
  const bound = 16 * steps * F32_EPSILON * expansion;
  return { abs: bound, rel: bound };
}

/**
 * logGrowth of quadratic-sum (a sum of T logs of multipliers): the GPU's log errs by <= 2^-21
 * absolute on [0.5, 2] (WGSL's bound; 3 ulp relative elsewhere), so the sum errs by <= T 2^-21
 * plus its f32 rounding: 2 T 2^-21.
 */
function logTolerance(steps: number): Tolerance {
  return { abs: 2 * steps * 2 ** -21, rel: 0 };
}

/** Smallest normal f32: GPUs may flush subnormal results to 0, so smaller magnitudes compare as 0. */
const F32_MIN_NORMAL = 2 ** -126;

/**
 * Elsewhere logGrowth = log|x_T| - log|x_0|: a position error e moves it by about e / |x_T|, so the
 * allowance follows from the position tolerance, particle by particle. Runs that end below the f32
 * normal range (the GPU may hold 0 there) carry no comparable log.
 */
function expectLogGrowthClose(gpu: LandscapeResult, twin: LandscapeTwinResult, tolerance: Tolerance, what: string): void {
  const k = twin.positions.length / twin.logGrowth.length;
  const report: string[] = [];
  for (let p = 0; p < twin.logGrowth.length && report.length < 5; p++) {
    const norm = Math.hypot(...twin.positions.subarray(p * k, (p + 1) * k));
    if (norm < 1e6 * F32_MIN_NORMAL) continue;
    const allowed = tolerance.abs / norm + tolerance.rel + 1e-6;
    const diff = Math.abs(gpu.logGrowth[p]! - twin.logGrowth[p]!);
    if (!(diff <= allowed)) report.push(`[${p}] actual ${gpu.logGrowth[p]}, expected ${twin.logGrowth[p]}, |diff| ${diff} > ${allowed}`);
  }
  expect(report, `${what}: logGrowth`).toEqual([]);
}

function compareWithTwin(gpu: LandscapeResult, twin: LandscapeTwinResult, tolerance: Tolerance, what: string, linearLog?: Tolerance): void {
  expectClose(gpu.positions, twin.positions, tolerance, `${what}: positions`);
  expectClose(gpu.value, twin.value, tolerance, `${what}: value`);
  expectClose(gpu.maxNorm, twin.maxNorm, tolerance, `${what}: maxNorm`);
  expectClose(gpu.exitStep, twin.exitStep, { abs: 0, rel: 0 }, `${what}: exitStep`);
  if (linearLog) expectClose(gpu.logGrowth, twin.logGrowth, linearLog, `${what}: logGrowth`);
  else expectLogGrowthClose(gpu, twin, tolerance, what);
}

async function gpuAndTwin(input: LandscapeSpecInput, x0: Float32Array, steps: number, options: { learningRates?: Float32Array; expression?: ExpressionTwin } = {}) {
  const spec = parseLandscapeSpec(input);
  const gpuResult = await onGpu(`landscape ${spec.kind}`, (gpu) => runLandscape(gpu, spec, x0, steps, options));
  return { gpu: gpuResult, twin: simulateLandscape(spec, x0, steps, options) };
}

function box(count: number, k: number, half: number, seed = 1): Float32Array {
  return landscapeStartPoints(count, new Array(k).fill(-half), new Array(k).fill(half), seed);
}

describe('landscapes: GPU against the float64 twin', () => {
  it('quadratic-sum, GD: x_T = (1 - lr a)^T x_0, logGrowth = T log|1 - lr a|', async () => {
    const { gpu, twin } = await gpuAndTwin({ kind: 'quadratic-sum', particleCount: P, learningRate: 0.5, curvatures: twoPointCurvatures(1, 0.5, 6) }, box(P, 1, 2), STEPS);
    compareWithTwin(gpu, twin, contracting(STEPS), 'gd', logTolerance(STEPS));
    expect(twin.logGrowth[0]).toBeCloseTo(STEPS * Math.log(0.5), 10);
  });

  // quadratic-sum is linear: x_T = x_0 prod m_t with the SAME batches on both sides, so the relative
  // error is the sum of the per-step errors of m_t whatever the growth: expanding cells compare too.
  // |m| >= 0.2 and |lr a_batch| <= 1.3 keep each step's error under 8 eps; 32 T eps covers it twice.
  // The absolute floor: GPUs may flush subnormal f32 results (< 2^-126) to 0.
  const linear = (steps: number): Tolerance => ({ abs: F32_MIN_NORMAL, rel: 32 * steps * F32_EPSILON });

  it('quadratic-sum, SGD without replacement (B = 2 of 6), four (a, s) cells including expanding ones', async () => {
    const cells = stabilityGridCells([0.5, 1], [0.3, 3], 6);
    const { gpu, twin } = await gpuAndTwin(
      { kind: 'quadratic-sum', particleCount: 4 * 50, learningRate: 0.3, curvatures: cells.map((c) => c.curvatures), batchSize: 2, seed: 11 },
      new Float32Array(200).fill(1),
      30,
    );
    compareWithTwin(gpu, twin, linear(30), 'sgd', logTolerance(30));
    // Particles of one cell differ (own batches); the expanding cell (a = 1, s = 3) grows on average.
    expect(new Set(Array.from(gpu.positions.subarray(0, 50))).size).toBeGreaterThan(40);
  });

  it('quadratic-sum, SGD with replacement (B = 3 of 5), AdaGrad, per-particle learning rates', async () => {
    // gamma = lr / sqrt(delta0^2 + sum g^2) <= lr / delta0 = 0.5 and a_batch <= 1.49 keep m >= 0.25.
    const learningRates = Float32Array.from(landscapeStartPoints(P, [0.05], [0.25], 9));
    const { gpu, twin } = await gpuAndTwin(
      { kind: 'quadratic-sum', particleCount: P, learningRate: 1, curvatures: twoPointCurvatures(1, 0.4, 5), batchSize: 3, withReplacement: true, optimizer: 'adagrad', delta0: 0.5, seed: 4 },
      box(P, 1, 2, 3),
      STEPS,
      { learningRates },
    );
    compareWithTwin(gpu, twin, linear(STEPS), 'adagrad', logTolerance(STEPS));
  });

  it('escape, GD from 1 - 1e-5 (contracting at the minimum 1)', async () => {
    const { gpu, twin } = await gpuAndTwin({ kind: 'escape', particleCount: P, learningRate: 0.7, exitAnchor: [1], exitRadius: 0.5 }, box(P, 1, 0.1, 2).map((v) => 1 + v), STEPS);
    compareWithTwin(gpu, twin, contracting(STEPS), 'escape gd');
  });

  /**
   * escape with SGD is chaotic near 1 (|m| = 1.66 on half the steps): float32 and float64 paths part
   * after a few dozen steps, so compare statistics. The batches are identical, so runs that leave do
   * so at the same step unless rounding decides a threshold crossing: measured 197 of 200 identical.
   */
  it('escape, SGD (B = 1): same exit steps and escape fraction as the twin', async () => {
    const { gpu, twin } = await gpuAndTwin(
      { kind: 'escape', particleCount: P, learningRate: 0.7, batchSize: 1, exitAnchor: [1], exitRadius: 0.5, seed: 5 },
      new Float32Array(P).fill(1 - 1e-5),
      300,
    );
    let sameExit = 0;
    for (let p = 0; p < P; p++) sameExit += gpu.exitStep[p] === twin.exitStep[p] ? 1 : 0;
    expect(sameExit / P).toBeGreaterThan(0.95);
    const escaped = (r: { exitStep: ArrayLike<number> }) => Array.from(r.exitStep).filter((s) => s >= 0).length;
    expect(Math.abs(escaped(gpu) - escaped(twin))).toBeLessThanOrEqual(2);
    // After escaping, runs contract to 0 (multiplier 1 - 0.7 * 2 = -0.4): both sides end near 0.
    expectClose(gpu.positions, twin.positions, { abs: 1e-6, rel: 0 }, 'escaped positions');
  });

  const saddleStarts = box(P, 2, 1.5, 7);
  for (let p = 0; p < P; p += 10) saddleStarts[2 * p + 1] = 0;

  it.each([
    ['gd', 'constant', 0.2],
    ['gd', 'inverse-sqrt', 0.5],
    ['adagrad', 'constant', 0.5],
    ['adanorm', 'constant', 0.5],
    ['adagrad-full', 'constant', 0.5],
    ['adagrad-full', 'inverse-sqrt', 0.5],
  ] as const)('strict-saddle, %s, %s schedule', async (optimizer, schedule, learningRate) => {
    const { gpu, twin } = await gpuAndTwin({ kind: 'strict-saddle', particleCount: P, learningRate, optimizer, schedule, delta0: 0.5 }, saddleStarts, STEPS);
    // The full-matrix eigen-solve in f32 adds eps cond(G) per step with cond(G) <= ~10 here: 4x the budget.
    compareWithTwin(gpu, twin, contracting(STEPS, optimizer === 'adagrad-full' ? 4 : 1), `${optimizer} ${schedule}`);
  });

  /** Gaussian gradient noise: the GPU's normals match the twin's to ~1e-6 (log/cos accuracy), times sigma. */
  it('strict-saddle with gradient noise (same counter-based normals as the twin)', async () => {
    const { gpu, twin } = await gpuAndTwin({ kind: 'strict-saddle', particleCount: P, learningRate: 0.2, noiseStd: 0.05, seed: 3 }, saddleStarts, STEPS);
    compareWithTwin(gpu, twin, contracting(STEPS, 2), 'noise');
    // The noise moves the y = 0 starts off the saddle's stable manifold.
    expect(Math.abs(gpu.positions[1]!)).toBeGreaterThan(0);
  });

  // perko's x3 grows like (1 + h)^t, which amplifies earlier rounding: scale the budget by e^{hT}.
  it.each(['euler', 'rk4'] as const)('perko, %s', async (integrator) => {
    const h = 0.01;
    const { gpu, twin } = await gpuAndTwin({ kind: 'perko', particleCount: P, learningRate: h, integrator }, box(P, 3, 1, 8), STEPS);
    compareWithTwin(gpu, twin, contracting(STEPS, Math.exp(h * STEPS)), integrator);
  });

  it('expression (k = 4, full-matrix AdaGrad by Jacobi) against its TS twin', async () => {
    const value = '0.5 * x[0] * x[0] + x[1] * x[1] + 0.25 * x[2] * x[2] * x[2] * x[2] + 0.1 * cos(x[3]) + 0.05 * x[3] * x[3] + 0.2 * x[0] * x[1]';
    const gradient = ['x[0] + 0.2 * x[1]', '2.0 * x[1] + 0.2 * x[0]', 'x[2] * x[2] * x[2]', '-0.1 * sin(x[3]) + 0.1 * x[3]'];
    const expression: ExpressionTwin = {
      value: (x) => 0.5 * x[0]! ** 2 + x[1]! ** 2 + 0.25 * x[2]! ** 4 + 0.1 * Math.cos(x[3]!) + 0.05 * x[3]! ** 2 + 0.2 * x[0]! * x[1]!,
      gradient: (x) => [x[0]! + 0.2 * x[1]!, 2 * x[1]! + 0.2 * x[0]!, x[2]! ** 3, -0.1 * Math.sin(x[3]!) + 0.1 * x[3]!],
    };
    const { gpu, twin } = await gpuAndTwin({ kind: 'expression', particleCount: P, learningRate: 0.3, dim: 4, value, gradient, optimizer: 'adagrad-full', delta0: 0.5 }, box(P, 4, 1.5, 6), STEPS, { expression });
    // Jacobi in f32 on a 4 x 4 G, plus the GPU's cos/sin (absolute error ~1e-6): 4x the budget.
    compareWithTwin(gpu, twin, contracting(STEPS, 4), 'expression');
  });

  it('expression (k = 2) equal to the built-in strict saddle', async () => {
    const spec = { particleCount: P, learningRate: 0.2, optimizer: 'adagrad-full' as const };
    const expression = await onGpu('expression saddle', (gpu) =>
      runLandscape(gpu, { kind: 'expression', dim: 2, value: '0.5 * x[0] * x[0] + 0.25 * x[1] * x[1] * x[1] * x[1] - 0.5 * x[1] * x[1]', gradient: ['x[0]', 'x[1] * x[1] * x[1] - x[1]'], ...spec }, saddleStarts, STEPS),
    );
    const twin = simulateLandscape(parseLandscapeSpec({ kind: 'strict-saddle', ...spec }), saddleStarts, STEPS);
    const typed = simulateLandscape(parseLandscapeSpec({ kind: 'expression', dim: 2, value: 'x[0]', gradient: ['0', '0'], ...spec }), saddleStarts, STEPS, {
      expression: { value: strictSaddleValue, gradient: strictSaddleGradient },
    });
    expectClose(typed.positions, twin.positions, { abs: 0, rel: 0 }, 'twin: expression = built-in');
    compareWithTwin(expression, twin, contracting(STEPS), 'expression saddle');
  });
});

/** Per-test significance of the subset-frequency tests (fixed seeds: a pass is reproducible). */
const SUBSET_ALPHA = 1e-6;

/** The batch as a bit mask (bit i set: component i is in it). */
function batchMask(components: readonly number[]): number {
  return components.reduce((mask, i) => mask | (1 << i), 0);
}

describe('landscapes: minibatches without replacement (selection sampling)', () => {
  it('every B-subset is equally likely: chi-square of the twin\'s batches at alpha 1e-6 (n = 5, 7, 10, 13; B = 2..n-1)', () => {
    const failures: string[] = [];
    for (const n of [5, 7, 10, 13]) {
      for (let B = 2; B < n; B++) {
        // At least 20 per cell (Pearson's statistic is near its chi-square law from about 5 on), and 20,000.
        const draws = Math.max(20 * choose(n, B), 20_000);
        const masks = Array.from({ length: draws }, (_, p) => batchMask(batchComponents(n * 100 + B, p, 3, n, B, 'without-replacement')));
        const fit = subsetFit(masks, n, B);
        if (fit.invalidCount > 0 || fit.pValue < SUBSET_ALPHA) {
          failures.push(`n = ${n}, B = ${B}: ${fit.invalidCount} invalid, chi-square ${fit.statistic.toFixed(1)} on ${fit.degreesOfFreedom} df, p = ${fit.pValue.toExponential(2)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  /**
   * quadratic-sum with a_i = 2^i, lr = B and x_0 = 1: one step gives x_1 = 1 - lr a_batch = 1 - sum over
   * the batch of 2^i, so the batch is the bit mask 1 - x_1 (f32 rounding of a_batch = sum / B errs by
   * under 2^-8 for sums below 2^16, far from the next integer).
   */
  it.each([
    { sampleCount: 10, batchSize: 5 },
    { sampleCount: 10, batchSize: 2 },
    { sampleCount: 7, batchSize: 6 },
  ])('GPU landscape batches equal the twin\'s and pass the chi-square test at alpha 1e-6 (%o)', async ({ sampleCount, batchSize }) => {
    const particleCount = Math.max(20 * choose(sampleCount, batchSize), 20_000);
    const curvatures = Array.from({ length: sampleCount }, (_, i) => 2 ** i);
    const spec = parseLandscapeSpec({ kind: 'quadratic-sum', particleCount, learningRate: batchSize, curvatures, batchSize, seed: 13 });
    const result = await onGpu('landscape batches', (gpu) => runLandscape(gpu, spec, new Float32Array(particleCount).fill(1), 1));
    const masks = Array.from(result.positions, (x) => Math.round(1 - x));
    const expected = Array.from({ length: particleCount }, (_, p) => batchMask(batchComponents(13, p, 0, sampleCount, batchSize, 'without-replacement')));
    const firstMismatch = masks.findIndex((mask, p) => mask !== expected[p]);
    expect(firstMismatch, firstMismatch < 0 ? '' : `particle ${firstMismatch}: GPU ${masks[firstMismatch]}, twin ${expected[firstMismatch]}`).toBe(-1);
    const fit = subsetFit(masks, sampleCount, batchSize);
    expect(fit.invalidCount).toBe(0);
    expect(fit.pValue, `chi-square ${fit.statistic.toFixed(1)} on ${fit.degreesOfFreedom} df`).toBeGreaterThan(SUBSET_ALPHA);
  });
});

describe('landscapes: one submit, chunks and resumption', () => {
  const spec = parseLandscapeSpec({ kind: 'strict-saddle', particleCount: 100, learningRate: 0.4, optimizer: 'adagrad-full', delta0: 0.5 });
  const x0 = box(100, 2, 1.5, 12);

  it('splitting T over dispatches or over run calls changes nothing', async () => {
    const whole = await onGpu('whole', (gpu) => runLandscape(gpu, spec, x0, 50));
    const chunked = await onGpu('chunked', (gpu) => runLandscape(gpu, { ...spec, stepsPerDispatch: 7 }, x0, 50));
    const resumed = await onGpu('resumed', async (gpu) => {
      const buffers = {
        positions: createStorageBuffer(gpu, 'positions', x0),
        stats: createStorageBuffer(gpu, 'stats', 100 * 16),
        state: createStorageBuffer(gpu, 'state', 100 * 16),
      };
      const run = await bindLandscapeRun(gpu, spec, buffers);
      await run.run(20);
      await run.run(30);
      expect(run.stepsTaken).toBe(50);
      const result = { positions: await readFloat32(gpu, buffers.positions, 200), ...splitLandscapeStats(await readFloat32(gpu, buffers.stats, 400), 100) };
      run.destroy();
      Object.values(buffers).forEach((b) => b.destroy());
      return result;
    });
    // Registers hold exactly the f32 values memory holds, so the split is invisible bit for bit,
    // except logGrowth, a sum of per-dispatch differences of logs (rounding only).
    for (const other of [chunked, resumed]) {
      expectClose(other.positions, whole.positions, { abs: 0, rel: 0 }, 'positions');
      for (const stat of ['value', 'maxNorm', 'exitStep'] as const) expectClose(other[stat], whole[stat], { abs: 0, rel: 0 }, stat);
      expectClose(other.logGrowth, whole.logGrowth, { abs: 1e-6, rel: 0 }, 'logGrowth');
    }
  });

  it('0 steps records the start: maxNorm = |x_0|, exitStep = 0 outside the exit ball, value = f(x_0)', async () => {
    const result = await onGpu('zero steps', (gpu) => runLandscape(gpu, { ...spec, exitRadius: 1 }, x0, 0));
    const twin = simulateLandscape(parseLandscapeSpec({ ...spec, exitRadius: 1 }), x0, 0);
    compareWithTwin(result, twin, contracting(1), 'zero steps');
    expect(Array.from(result.exitStep).some((s) => s === 0)).toBe(true);
  });
});

describe('landscapes: argument checks (before any dispatch)', () => {
  const spec: LandscapeSpecInput = { kind: 'strict-saddle', particleCount: 4, learningRate: 0.1 };

  it('rejects bad specs, shapes and values, naming the argument', async () => {
    const gpu = await getTestGpu();
    const x0 = new Float32Array(8);
    await expect(runLandscape(gpu, { ...spec, learningRate: 0 }, x0, 1)).rejects.toThrow(/spec\.learningRate/);
    await expect(runLandscape(gpu, { ...spec, optimizer: 'adam' } as never, x0, 1)).rejects.toThrow(KernelArgumentError);
    await expect(runLandscape(gpu, spec, new Float32Array(6), 1)).rejects.toThrow(/x0.*6 elements, expected 8/);
    await expect(runLandscape(gpu, spec, Float32Array.of(0, 0, 0, NaN, 0, 0, 0, 0), 1)).rejects.toThrow(/x0.*NaN at index 3/);
    await expect(runLandscape(gpu, spec, [0, 0, 0, 1e39, 0, 0, 0, 0], 1)).rejects.toThrow(/x0.*Infinity at index 3/);
    await expect(runLandscape(gpu, spec, x0, -1)).rejects.toThrow(/stepCount/);
    await expect(runLandscape(gpu, spec, x0, 1, { learningRates: [0.1, 0.1, -0.1, 0.1] })).rejects.toThrow(/learningRates.*-0\.1.* at index 2/);
    await expect(runLandscape(gpu, spec, x0, 1, { learningRates: [0.1] })).rejects.toThrow(/learningRates.*1 elements/);
    await expect(runLandscape(gpu, { kind: 'quadratic-sum', particleCount: 4, learningRate: 0.1, curvatures: [1, NaN] }, new Float32Array(4), 1)).rejects.toThrow(/curvatures/);
  });

  it('bindLandscapeRun checks that the buffers the variant needs are there and large enough', async () => {
    await onGpu('bind checks', async (gpu) => {
      const positions = createStorageBuffer(gpu, 'positions', 8 * 4);
      const stats = createStorageBuffer(gpu, 'stats', 16 * 4);
      const small = createStorageBuffer(gpu, 'small', 4);
      await expect(bindLandscapeRun(gpu, { ...spec, optimizer: 'adagrad' }, { positions, stats })).rejects.toThrow(/'state' is required/);
      await expect(bindLandscapeRun(gpu, spec, { positions: small, stats })).rejects.toThrow(/'positions' buffer holds 4 bytes/);
      await expect(bindLandscapeRun(gpu, { kind: 'quadratic-sum', particleCount: 4, learningRate: 0.1, curvatures: [1, 2] }, { positions, stats })).rejects.toThrow(/'curvatures' is required/);
      [positions, stats, small].forEach((b) => b.destroy());
    });
  });
});

describe('landscapes: user expressions', () => {
  const base = { kind: 'expression' as const, particleCount: 4, learningRate: 0.1 };
  const x0 = new Float32Array(12);

  async function expressionError(input: LandscapeSpecInput): Promise<LandscapeExpressionError> {
    const gpu = await getTestGpu();
    const error = await runLandscape(gpu, input, x0.subarray(0, 4 * landscapeDimOf(parseLandscapeSpec(input))), 1).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LandscapeExpressionError);
    return error as LandscapeExpressionError;
  }

  it('rejects identifiers outside the allow-list before compiling', async () => {
    const error = await expressionError({ ...base, dim: 2, value: 'x[0] + params.seed', gradient: ['1', '0'] });
    expect([error.expression, error.line, error.column]).toEqual(['value', 1, 8]);
  });

  it("reports compile errors at the user's line and column, not the generated shader's", async () => {
    // f32 + array has no overload: the compiler's message is placed inside the user's text.
    const typeError = await expressionError({ ...base, dim: 2, value: 'x[0] * x[0]', gradient: ['2.0 * x[0]', '0.0 + x'] });
    expect(typeError.message).toMatch(/operator \+/);
    expect(typeError.expression).toBe('gradient[1]');
    expect(typeError.line).toBe(1);
    expect(typeError.column).toBeGreaterThanOrEqual(1);
    expect(typeError.column).toBeLessThanOrEqual(8);
    expect(typeError.message).toMatch(/gradient\[1\], line 1/);
    // A constant index past k = 3 on the second line of a two-line value.
    const indexError = await expressionError({ ...base, dim: 3, value: 'x[0] * x[0]\n  + x[7]', gradient: ['2.0 * x[0]', '0.0', '0.0'] });
    expect([indexError.expression, indexError.line]).toEqual(['value', 2]);
    expect(indexError.column).toBeGreaterThanOrEqual(3);
    expect(indexError.column).toBeLessThanOrEqual(8);
    // A bool where f32 is due is reported against the whole expression.
    const boolError = await expressionError({ ...base, dim: 1, value: 'x[0] < 1.0', gradient: ['1.0'] });
    expect([boolError.expression, boolError.line]).toEqual(['value', 1]);
  });

  it('finds a wrong gradient by central differences on the GPU (throw, warn or off)', async () => {
    const wrong = { ...base, dim: 2, value: 'x[0] * x[0] + sin(x[1])', gradient: ['x[0]', 'cos(x[1])'] };
    const gpu = await getTestGpu();
    const error = await runLandscape(gpu, wrong, x0.subarray(0, 8), 1).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(GradientCheckError);
    const report = (error as GradientCheckError).report;
    expect(report.mismatches.every((m) => m.coordinate === 0)).toBe(true);
    expect(report.mismatches.length).toBeGreaterThan(0);
    expect((error as Error).message).toMatch(/gradient\[0\]/);

    const right = await onGpu('gradient check', (g) => checkExpressionGradient(g, { ...wrong, gradient: ['2.0 * x[0]', 'cos(x[1])'] }));
    expect(right.mismatches).toEqual([]);
    expect(right.comparedCount).toBe(2 * 8);

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await onGpu('warn', (g) => runLandscape(g, { ...wrong, gradientCheck: 'warn' }, x0.subarray(0, 8), 1));
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/gradient\[0\]/));
      warn.mockClear();
      await onGpu('off', (g) => runLandscape(g, { ...wrong, gradientCheck: 'off' }, x0.subarray(0, 8), 1));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('skips check points where f is not finite or not resolved at the step (log near 0) instead of blaming the gradient', async () => {
    // 0.06 lies within 1.2 h of log's pole: D(h/2) and D(h) disagree, so it is skipped, not flagged.
    const report = await onGpu('log check', (g) => checkExpressionGradient(g, { ...base, dim: 1, value: 'log(x[0])', gradient: ['1.0 / x[0]'] }, [0.06, 0.5, 1, 3]));
    expect(report.mismatches).toEqual([]);
    // WGSL leaves log of a negative indeterminate: NaN on most GPUs (those points are skipped), while
    // SwiftShader returns log|x|, whose derivative 1/x still matches. Either way no mismatch.
    expect(report.comparedCount).toBeGreaterThanOrEqual(3);
  });
});
