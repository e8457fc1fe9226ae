import { describe, expect, it } from 'vitest';
import { ELEMENTWISE_WORKGROUP_SIZE, REDUCTION_WORKGROUP_SIZE } from '../../shaders/constants';
import { KernelArgumentError } from '../../src/core/errors';
import { createStorageBuffer } from '../../src/gpu/buffers';
import { bindHvpJvp, bindVectorDots } from '../../src/kernels/hessian';
import { hessianVectorProduct } from '../../src/metrics/with-gpu-hessian';
import { combinedOutputScale, LOSS_KINDS, SCALINGS, type LossKind, type Scaling, type TrainableParts } from '../../src/core/conventions';
import * as hessian from '../../src/float64/hessian';
import { threefry2x32 } from '../../src/core/random';
import { lossDerivative } from '../../src/float64/losses';
import * as twoLayer from '../../src/float64/two-layer';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { rademacherFill } from '../helpers/kernel-arrays/hessian';
import { F32_EPSILON, reductionTolerance } from '../helpers/tolerance';
import { gpuConfig, makeCurvatureProblem, testDirection, type CurvatureProblem } from '../metrics/curvature-problems';

/** Sizes that cross the workgroup boundaries: m > ELEMENTWISE and > REDUCTION workgroup sizes, odd n and d. */
const SHAPE = { sampleCount: 13, width: Math.max(ELEMENTWISE_WORKGROUP_SIZE, REDUCTION_WORKGROUP_SIZE) + 6, inputDim: 5 };
/** float32 pre-activations err by ~ d eps |w||x| ~ 1e-6 here; a 1e-4 margin keeps GPU and twin masks equal. */
const KINK_MARGIN = 1e-4;

/**
 * Upper bounds on the sum of |terms| behind every entry of Hv (the twin's formula with every factor
 * replaced by its absolute value). Floating-point error of a sum is bounded by (rounding factor) x this
 * sum, so the tolerance scales with it entry by entry, also where terms cancel.
 */
function termMagnitudes(problem: CurvatureProblem, v: hessian.ParamVector): Float64Array {
  const { params, X, y, options } = problem;
  const { sampleCount: n, width: m, inputDim: d } = problem.spec;
  const trainable = options.trainable ?? 'both';
  const first = trainable !== 'second';
  const second = trainable !== 'first';
  const c = Math.abs(combinedOutputScale({ ...options, width: m }));
  const { activation: H, output } = twoLayer.forward(params, X, n, options);
  const S = new Float64Array(n * m);
  const T = new Float64Array(n);
  const R = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    R[i] = Math.abs(lossDerivative(options.loss, output[i]!, y[i]!)) / n;
    let u = 0;
    for (let j = 0; j < m; j++) {
      let s = first && v.b ? Math.abs(v.b[j]!) : 0;
      if (first) for (let k = 0; k < d; k++) s += Math.abs(v.W[j * d + k]! * X[i * d + k]!);
      S[i * m + j] = s;
      const h = H[i * m + j]!;
      if (second) u += Math.abs(v.a[j]!) * h;
      if (h > 0) u += Math.abs(params.a[j]!) * s;
    }
    T[i] = (Math.abs(hessian.lossCurvature(options.loss, output[i]!, y[i]!)) / n) * c * u;
  }
  const magA = new Float64Array(m);
  const magW = new Float64Array(m * d);
  const magB = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) {
      const h = H[i * m + j]!;
      magA[j] += c * (T[i]! * h + (h > 0 ? R[i]! * S[i * m + j]! : 0));
      if (h <= 0) continue;
      const k = c * (T[i]! * Math.abs(params.a[j]!) + R[i]! * (second ? Math.abs(v.a[j]!) : 0));
      for (let q = 0; q < d; q++) magW[j * d + q] += k * Math.abs(X[i * d + q]!);
      magB[j] += k;
    }
  }
  return hessian.flattenParamVector({ a: magA, W: magW, ...(params.b ? { b: magB } : {}) });
}

/**
 * Relative rounding factor of one Hv entry: the longest chain of float32 sums behind it runs through
 * z (d terms), f and u (m terms each), then the sum over n samples; reductionTolerance's 8 sqrt(N) eps
 * covers it. Logistic and exponential add the error of exp in r and q: WGSL bounds exp(t) by 3 + 2|t| ULP,
 * so 16 + 4 max|f| ULP as in the two-layer tests (the products and divisions after it are inside that).
 */
function roundingFactor(problem: CurvatureProblem): number {
  const { sampleCount: n, width: m, inputDim: d } = problem.spec;
  const base = reductionTolerance(n + 2 * m + d).rel;
  if (problem.spec.loss === 'square') return base;
  const { output } = twoLayer.forward(problem.params, problem.X, n, problem.options);
  const maxOutput = output.reduce((max, f) => Math.max(max, Math.abs(f)), 0);
  return base + (16 + 4 * maxOutput) * F32_EPSILON;
}

function expectWithinBounds(actual: ArrayLike<number>, expected: ArrayLike<number>, bounds: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const report: string[] = [];
  for (let k = 0; k < expected.length && report.length < 5; k++) {
    const error = Math.abs(actual[k]! - expected[k]!);
    if (!(error <= bounds[k]!)) report.push(`[${k}] actual ${actual[k]}, expected ${expected[k]}, |diff| ${error} > ${bounds[k]}`);
  }
  expect(report, `${what}: first mismatches`).toEqual([]);
}

async function checkAgainstTwin(problem: CurvatureProblem, directionSeed: number): Promise<void> {
  const v32 = testDirection(problem, directionSeed);
  const v: hessian.ParamVector = { a: Float64Array.from(v32.a), W: Float64Array.from(v32.W), ...(v32.b ? { b: Float64Array.from(v32.b) } : {}) };
  const result = await onGpu('hvp', (gpu) => hessianVectorProduct(gpu, gpuConfig(problem), problem.weights, problem.data, v32));
  expect(result.b === undefined).toBe(!problem.spec.hasBias);
  const expected = hessian.flattenParamVector(hessian.hvp(problem.params, problem.X, problem.y, problem.spec.sampleCount, problem.options, v));
  const actual = hessian.flattenParamVector({ a: Float64Array.from(result.a), W: Float64Array.from(result.W), ...(result.b ? { b: Float64Array.from(result.b) } : {}) });
  const factor = roundingFactor(problem);
  const bounds = termMagnitudes(problem, v).map((magnitude) => factor * magnitude);
  expectWithinBounds(actual, expected, bounds, `Hv (${problem.spec.loss}, ${problem.spec.scaling}, bias ${problem.spec.hasBias}, ${problem.options.trainable})`);
  // Frozen blocks come back exactly zero.
  const { width: m, inputDim: d, hasBias } = problem.spec;
  const mask = hessian.trainableMask(m, d, hasBias, problem.options.trainable);
  actual.forEach((value, k) => !mask[k] && expect(value, `frozen coordinate ${k}`).toBe(0));
}

function problemFor(loss: LossKind, scaling: Scaling, hasBias: boolean, trainable: TrainableParts, seed: number): CurvatureProblem {
  return makeCurvatureProblem({ ...SHAPE, loss, scaling, hasBias, trainable, seed, kinkMargin: KINK_MARGIN });
}

describe('hessian: Hessian-vector products on the GPU against the float64 twin', () => {
  const combos = LOSS_KINDS.flatMap((loss) => SCALINGS.map((scaling) => [loss, scaling] as const));
  it.each(combos)('%s loss, %s scaling, with bias, both layers', async (loss, scaling) => {
    await checkAgainstTwin(problemFor(loss, scaling, true, 'both', 3), 101);
  });

  const restricted = (['both', 'first', 'second'] as const).flatMap((trainable) =>
    [false, true].flatMap((hasBias) => [['square', 'ntk'], ['logistic', 'mean-field'], ['exponential', 'standard']].map(
      ([loss, scaling]) => [trainable, hasBias, loss as LossKind, scaling as Scaling] as const,
    )),
  ).filter(([trainable, hasBias]) => !(trainable === 'both' && hasBias));
  it.each(restricted)('trainable %s, bias %s (%s loss, %s scaling)', async (trainable, hasBias, loss, scaling) => {
    await checkAgainstTwin(problemFor(loss, scaling, hasBias, trainable, 11), 202);
  });

  it('works for a single sample and a few neurons', async () => {
    const problem = makeCurvatureProblem({ sampleCount: 1, width: 3, inputDim: 2, loss: 'logistic', scaling: 'standard', hasBias: true, seed: 5, kinkMargin: 1e-3 });
    await checkAgainstTwin(problem, 9);
  });
});

describe('hessian: Rademacher probes', () => {
  it.each(['both', 'first', 'second'] as const)('equal the twin\'s probes bit for bit (trainable %s)', async (trainable) => {
    const shape = { width: 70, inputDim: 3, hasBias: true };
    const settings = { seed: 12345, stream: hessian.HESSIAN_RANDOM_STREAMS.hutchinson, trainable };
    const mask = hessian.trainableMask(shape.width, shape.inputDim, true, trainable);
    for (const probe of [0, 7]) {
      const z = await onGpu('rademacher', (gpu) => rademacherFill(gpu, shape, settings, probe));
      expect(Array.from(z)).toEqual(Array.from(hessian.rademacherProbe(settings.seed, settings.stream, probe, mask)));
    }
  });
});

describe('hessian: dispatches past one grid dimension', () => {
  it('rademacher_fill covers more elements than maxComputeWorkgroupsPerDimension workgroups hold', async () => {
    const gpu = await getTestGpu();
    // W alone needs more than maxComputeWorkgroupsPerDimension * ELEMENTWISE_WORKGROUP_SIZE elements.
    const inputDim = 1000;
    const width = Math.ceil((gpu.device.limits.maxComputeWorkgroupsPerDimension * ELEMENTWISE_WORKGROUP_SIZE) / inputDim) + 1;
    const shape = { width, inputDim, hasBias: true };
    const settings = { seed: 3, stream: hessian.HESSIAN_RANDOM_STREAMS.hutchinson };
    const z = await onGpu('rademacher past the dispatch limit', (g) => rademacherFill(g, shape, settings, 2));
    const p = hessian.parameterCount(width, inputDim, true);
    expect(z.length).toBe(p);
    // Spot checks against the twin (the full twin would cost seconds of CPU): a stride, and the tail of every block.
    const indices = [...Array.from({ length: 400 }, (_, k) => k * Math.floor(p / 400)), width - 1, width, p - width - 1, p - width, p - 1];
    for (const e of indices) {
      const expected = 1 - 2 * (threefry2x32(settings.seed, settings.stream, e, 2)[0] >>> 31);
      expect(z[e], `z[${e}]`).toBe(expected);
    }
  });
});

describe('hessian: argument checks before dispatch', () => {
  it('rejects bad shapes, data and buffers', async () => {
    const gpu = await getTestGpu();
    const problem = problemFor('square', 'ntk', true, 'both', 3);
    const config = gpuConfig(problem);
    const v = testDirection(problem, 1);
    await expect(hessianVectorProduct(gpu, { ...config, width: 0 }, problem.weights, problem.data, v)).rejects.toThrow(KernelArgumentError);
    await expect(hessianVectorProduct(gpu, config, problem.weights, { ...problem.data, y: new Float32Array(3) }, v)).rejects.toThrow(/data\.y.*3 elements/);
    const badX = problem.data.X.slice();
    badX[4] = NaN;
    await expect(hessianVectorProduct(gpu, config, problem.weights, { ...problem.data, X: badX }, v)).rejects.toThrow(/data\.X.*NaN at index 4/);
    await expect(hessianVectorProduct(gpu, config, problem.weights, problem.data, { a: v.a, W: v.W })).rejects.toThrow(/v\.b.*required/);
    await expect(hessianVectorProduct(gpu, config, problem.weights, problem.data, { ...v, W: v.W.map(() => Infinity) })).rejects.toThrow(/v\.W.*Infinity/);
    const { b: _, ...noBias } = problem.weights;
    await expect(hessianVectorProduct(gpu, config, noBias, problem.data, v)).rejects.toThrow(/weights\.b/);
    const small = createStorageBuffer(gpu, 'tiny', 4);
    const shape = { sampleCount: 4, width: 8, scaling: 'ntk' as const, loss: 'square' as const };
    const variant = { firstLayer: true, secondLayer: true, hasBias: false };
    await expect(bindHvpJvp(gpu, shape, variant, { activation: small, weightedJvp: small })).rejects.toThrow(/activation.*holds 4 bytes/);
    await expect(bindHvpJvp(gpu, shape, { ...variant, firstLayer: false, secondLayer: false }, { activation: small, weightedJvp: small })).rejects.toThrow(/neither layer/);
    await expect(bindVectorDots(gpu, { width: 2, inputDim: 2, hasBias: true }, { directionA: small })).rejects.toThrow(/directionA.*holds 4 bytes|directionW.*missing/);
    await expect(rademacherFill(gpu, { width: 2, inputDim: 2, hasBias: false }, { seed: -1, stream: 0 }, 0)).rejects.toThrow(/seed/);
    small.destroy();
  });
});
