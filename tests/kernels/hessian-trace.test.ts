import { describe, expect, it } from 'vitest';
import { REDUCTION_WORKGROUP_SIZE } from '../../shaders/constants';
import { createStorageBuffer } from '../../src/gpu/buffers';
import { KernelArgumentError } from '../../src/core/errors';
import { bindTraceTerms } from '../../src/kernels/hessian-trace';
import { exactHessianTraceOnGpu, GpuHessianTrace } from '../../src/metrics/hessian-trace';
import { combinedOutputScale, LOSS_KINDS, SCALINGS, type LossKind, type Scaling, type TrainableParts } from '../../src/core/conventions';
import * as hessian from '../../src/float64/hessian';
import { exactHessianTrace } from '../../src/float64/hessian-trace';
import { ntkGram } from '../../src/float64/ntk';
import * as twoLayer from '../../src/float64/two-layer';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { F32_EPSILON, reductionTolerance, testValues } from '../helpers/tolerance';
import { gpuConfig, makeCurvatureProblem, type CurvatureProblem, type ProblemSpec } from '../metrics/curvature-problems';

const TRAINABLE: readonly TrainableParts[] = ['both', 'first', 'second'];

/** A per-sample constant f0 [n] for centered models (any constant will do: it only moves where l'' is taken). */
function offsetFor(n: number, seed: number): Float32Array {
  return testValues(n, seed).map((v) => 0.75 * v);
}

/** The problem with the centered options and data when `centered`. */
function withCentering(problem: CurvatureProblem, centered: boolean, seed: number): CurvatureProblem {
  if (!centered) return problem;
  const outputOffset = offsetFor(problem.spec.sampleCount, seed);
  return {
    ...problem,
    options: { ...problem.options, outputOffset: Float64Array.from(outputOffset) },
    data: { ...problem.data, outputOffset } as CurvatureProblem['data'],
  };
}

function referenceTrace(problem: CurvatureProblem): number {
  return exactHessianTrace(problem.params, problem.X, problem.y, problem.spec.sampleCount, problem.options);
}

/** Sum of the dense float64 Hessian's diagonal over the trainable coordinates (frozen rows are zero anyway). */
function denseTrace(problem: CurvatureProblem): number {
  const { params, X, y, options } = problem;
  const { sampleCount: n, width: m, inputDim: d, hasBias } = problem.spec;
  const H = hessian.denseHessian(params, X, y, n, options);
  const p = hessian.parameterCount(m, d, hasBias);
  const mask = hessian.trainableMask(m, d, hasBias, options.trainable);
  let trace = 0;
  for (let e = 0; e < p; e++) if (mask[e]) trace += H[e * p + e]!;
  return trace;
}

describe('hessian-trace: the float64 closed form', () => {
  // Every loss, scaling, trainable part, bias and centering; alpha alternates between 1.5 and 0.6.
  const grid = LOSS_KINDS.flatMap((loss) =>
    SCALINGS.flatMap((scaling) => TRAINABLE.flatMap((trainable) => [false, true].flatMap((hasBias) => [false, true].map((centered) => [loss, scaling, trainable, hasBias, centered] as const)))),
  );
  it.each(grid)('equals the dense Hessian\'s trace (%s loss, %s scaling, trainable %s, bias %s, centered %s)', (loss, scaling, trainable, hasBias, centered) => {
    const index = grid.findIndex((row) => row.join() === [loss, scaling, trainable, hasBias, centered].join());
    const spec: ProblemSpec = { sampleCount: 7, width: 9, inputDim: 3, loss, scaling, hasBias, trainable, alpha: index % 2 ? 0.6 : 1.5, seed: 31 + index };
    const problem = withCentering(makeCurvatureProblem(spec), centered, 500 + index);
    const exact = referenceTrace(problem);
    const dense = denseTrace(problem);
    expect(exact).toBeGreaterThan(0);
    expect(Math.abs(exact - dense), `closed form ${exact} vs dense ${dense}`).toBeLessThanOrEqual(1e-10 * Math.abs(dense));
  });

  it('is tr(K) / n for the square loss, with K the empirical NTK Gram', () => {
    const problem = makeCurvatureProblem({ sampleCount: 11, width: 6, inputDim: 4, loss: 'square', scaling: 'ntk', hasBias: true, seed: 3 });
    const n = problem.spec.sampleCount;
    const K = ntkGram(problem.params, problem.X, n, problem.options);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += K[i * n + i]! / n;
    expect(referenceTrace(problem)).toBeCloseTo(trace, 12);
  });

  it('ignores the off-diagonal curvature of f, so a centered offset only moves l\'\'', () => {
    // Square loss: l'' = 1 whatever the output, so centering leaves the trace unchanged.
    const problem = makeCurvatureProblem({ sampleCount: 5, width: 4, inputDim: 2, loss: 'square', scaling: 'standard', hasBias: false, seed: 8 });
    expect(referenceTrace(withCentering(problem, true, 4))).toBe(referenceTrace(problem));
  });
});

// ---- GPU against the twin ------------------------------------------------------------------

/** sum_k |w_jk x_ik| + |b_j|: the magnitude that bounds the float32 error of z_ij. */
function preActivationMagnitude(problem: CurvatureProblem, i: number, j: number): number {
  const { params, X } = problem;
  const d = params.inputDim;
  let sum = params.b ? Math.abs(params.b[j]!) : 0;
  for (let k = 0; k < d; k++) sum += Math.abs(params.W[j * d + k]! * X[i * d + k]!);
  return sum;
}

/**
 * Bound on |GPU - twin| for the float32 trace. Every term l''_i K_ii / n is nonnegative, so the sums
 * only lose relative accuracy: phi = 8 sqrt(n + m + d) eps (reductionTolerance: the longest chain of
 * float32 sums runs through z (d terms), K_ii and f (m terms each) and the total (n terms)) applied to
 *   - K_ii with H_ij^2 replaced by 2 H_ij zeta_ij, zeta_ij = sum_k |w_jk x_ik| + |b_j| >= z_ij: the
 *     rounding of H^2 plus the error of z_ij itself (about eps zeta_ij), which moves H_ij^2 by 2 H_ij dz;
 *   - for logistic and exponential, the relative error of l''(f_i, y_i): |d ln l''/df| <= |y_i|, times
 *     the error of f_i (phi c sum_j |a_j| zeta_ij), plus WGSL's exp bound 3 + 2|t| ULP per exp,
 *     taken as 16 + 4 |f_i| ULP as in the hessian and two-layer tests.
 * Masks agree because every |z_ij| >= the problem's kink margin, far above the error of z.
 * An indexing or formula bug moves the trace by O(one term), orders of magnitude above this bound.
 */
function traceErrorBound(problem: CurvatureProblem): number {
  const { params, X, y, options } = problem;
  const { width: m, inputDim: d } = params;
  const n = problem.spec.sampleCount;
  const trainable = options.trainable ?? 'both';
  const c = Math.abs(combinedOutputScale({ ...options, width: m }));
  const phi = reductionTolerance(n + m + d).rel;
  const { activation: H, output } = twoLayer.forward(params, X, n, options);
  let bound = 0;
  for (let i = 0; i < n; i++) {
    let inputNorm = params.b ? 1 : 0;
    for (let k = 0; k < d; k++) inputNorm += X[i * d + k]! ** 2;
    let magnitude = 0;
    let outputMagnitude = 0;
    for (let j = 0; j < m; j++) {
      const h = H[i * m + j]!;
      if (!(h > 0)) continue;
      const zeta = preActivationMagnitude(problem, i, j);
      outputMagnitude += Math.abs(params.a[j]!) * zeta;
      if (trainable !== 'first') magnitude += 2 * h * zeta;
      if (trainable !== 'second') magnitude += params.a[j]! ** 2 * inputNorm;
    }
    const curvature = hessian.lossCurvature(options.loss, output[i]!, y[i]!);
    let relative = phi;
    if (options.loss !== 'square') relative += Math.abs(y[i]!) * phi * c * outputMagnitude + (16 + 4 * Math.abs(output[i]!)) * F32_EPSILON;
    bound += (curvature * c * c * magnitude * relative) / n;
  }
  return bound;
}

async function expectGpuMatchesTwin(problem: CurvatureProblem, label: string): Promise<number> {
  const config = { ...gpuConfig(problem), centered: problem.options.outputOffset !== undefined };
  const actual = await onGpu(label, (gpu) => exactHessianTraceOnGpu(gpu, config, problem.weights, problem.data));
  const expected = referenceTrace(problem);
  expect(expected, `${label}: a case with some curvature`).toBeGreaterThan(0);
  const bound = traceErrorBound(problem);
  expect(Math.abs(actual - expected), `${label}: GPU ${actual}, twin ${expected}, bound ${bound}`).toBeLessThanOrEqual(bound);
  return actual;
}

/** Which candidate samples bulkProblem keeps: sample `index` with pre-activations z [m]. */
type SampleFilter = (index: number, z: readonly number[]) => boolean;

/**
 * A problem built sample by sample: candidate inputs are drawn in bulk and the first n that keep every
 * |z_ij| >= margin and pass `accept` are kept (makeCurvatureProblem redraws everything, which never
 * succeeds for large n). Targets are +-1 for the sign losses.
 */
function bulkProblem(spec: ProblemSpec & { readonly centered?: boolean }, accept: SampleFilter = () => true): CurvatureProblem {
  const { sampleCount: n, width: m, inputDim: d, loss, hasBias } = spec;
  const margin = spec.kinkMargin ?? 1e-3;
  // Seeds far apart: the test LCG's first values from neighbouring seeds are nearly equal.
  const draw = (count: number, stream: number) => testValues(count, spec.seed * 7919 + stream * 104729);
  const weights = { a: draw(m, 0), W: draw(m * d, 1), ...(hasBias ? { b: draw(m, 2) } : {}) };
  const candidates = draw(16 * n * d + 64 * d, 3);
  const X = new Float32Array(n * d);
  let kept = 0;
  for (let s = 0; kept < n; s++) {
    if ((s + 1) * d > candidates.length) throw new Error('bulkProblem: too few candidate samples pass; lower the margin or relax the filter');
    const x = candidates.subarray(s * d, (s + 1) * d);
    const z = Array.from({ length: m }, (_, j) => {
      let sum = hasBias ? weights.b![j]! : 0;
      for (let k = 0; k < d; k++) sum += weights.W[j * d + k]! * x[k]!;
      return sum;
    });
    if (z.every((value) => Math.abs(value) >= margin) && accept(kept, z)) X.set(x, kept++ * d);
  }
  const raw = draw(n, 4);
  const y = loss === 'square' ? raw : raw.map((v) => (v >= 0 ? 1 : -1));
  const options: twoLayer.TwoLayerOptions = { scaling: spec.scaling, loss, alpha: spec.alpha ?? 1.5, trainable: spec.trainable ?? 'both' };
  const params = { width: m, inputDim: d, a: Float64Array.from(weights.a), W: Float64Array.from(weights.W), ...(weights.b ? { b: Float64Array.from(weights.b) } : {}) };
  const problem: CurvatureProblem = { spec, params, X: Float64Array.from(X), y: Float64Array.from(y), options, weights, data: { X, y } };
  return withCentering(problem, spec.centered ?? false, spec.seed + 5);
}

const someActive: SampleFilter = (_, z) => z.some((value) => value > 0);

/** m and d past one workgroup's stride (neither a multiple of it), an odd n. */
const SHAPE = { sampleCount: 13, width: REDUCTION_WORKGROUP_SIZE + 6, inputDim: 5 };
const KINK_MARGIN = 1e-4;

describe('hessian-trace: the GPU closed form against the float64 twin', () => {
  const lossScaling = LOSS_KINDS.flatMap((loss) => SCALINGS.map((scaling) => [loss, scaling] as const));
  it.each(lossScaling)('%s loss, %s scaling, bias, both layers', async (loss, scaling) => {
    await expectGpuMatchesTwin(makeCurvatureProblem({ ...SHAPE, loss, scaling, hasBias: true, seed: 3, kinkMargin: KINK_MARGIN }), `${loss} ${scaling}`);
  });

  const restricted = TRAINABLE.flatMap((trainable) =>
    [false, true].flatMap((hasBias) => [false, true].map((centered, k) => [trainable, hasBias, centered, (['logistic', 'exponential', 'square'] as const)[(k + (hasBias ? 1 : 0)) % 3]!] as const)),
  );
  it.each(restricted)('trainable %s, bias %s, centered %s (%s loss)', async (trainable, hasBias, centered, loss) => {
    const scaling: Scaling = hasBias ? 'mean-field' : 'ntk';
    const problem = makeCurvatureProblem({ ...SHAPE, loss, scaling, hasBias, trainable, alpha: 0.8, seed: 17, kinkMargin: KINK_MARGIN });
    await expectGpuMatchesTwin(withCentering(problem, centered, 99), `${trainable} ${hasBias} ${centered}`);
  });

  it('one sample, one neuron, one input: the hand-computed value', async () => {
    // f = 1.5 a relu(w x + b) with a = 0.5, w = 0.5, b = 0.25, x = 1: z = 0.75 and
    // Tr H = l'' c^2 (z^2 + a^2 (x^2 + 1)) = 2.25 (0.5625 + 0.5) = 2.390625 (square loss, exact in float32).
    const weights = { a: new Float32Array([0.5]), W: new Float32Array([0.5]), b: new Float32Array([0.25]) };
    const data = { X: new Float32Array([1]), y: new Float32Array([0.3]) };
    const config = { sampleCount: 1, width: 1, inputDim: 1, loss: 'square' as LossKind, scaling: 'standard' as Scaling, hasBias: true, alpha: 1.5 };
    expect(await onGpu('1x1x1', (gpu) => exactHessianTraceOnGpu(gpu, config, weights, data))).toBe(2.390625);
    const params = { width: 1, inputDim: 1, a: Float64Array.from(weights.a), W: Float64Array.from(weights.W), b: Float64Array.from(weights.b) };
    expect(exactHessianTrace(params, data.X, data.y, 1, { scaling: 'standard', loss: 'square', alpha: 1.5 })).toBe(2.390625);
  });

  it.each([
    ['1 x 1 x 1, logistic, centered', { sampleCount: 1, width: 1, inputDim: 1, loss: 'logistic', scaling: 'ntk', hasBias: true, centered: true }],
    ['d past a workgroup (67), m = 129', { sampleCount: 5, width: 2 * REDUCTION_WORKGROUP_SIZE + 1, inputDim: REDUCTION_WORKGROUP_SIZE + 3, loss: 'exponential', scaling: 'standard', hasBias: false, alpha: 0.1 }],
    ['m = 1, n = 200, first layer only', { sampleCount: 200, width: 1, inputDim: 3, loss: 'square', scaling: 'mean-field', hasBias: true, trainable: 'first' }],
    ['a mean-field net of the default preset\'s shape, m = 2048', { sampleCount: 128, width: 2048, inputDim: 2, loss: 'square', scaling: 'mean-field', hasBias: true }],
  ] as const)('awkward shape: %s', async (label, spec) => {
    // Every sample has an active neuron, so the single sample of 1 x 1 x 1 contributes.
    await expectGpuMatchesTwin(bulkProblem({ ...spec, seed: 43, kinkMargin: KINK_MARGIN }, someActive), label);
  });

  it('covers more samples than one grid dimension holds (one workgroup per sample)', async () => {
    const gpu = await getTestGpu();
    const firstRow = gpu.device.limits.maxComputeWorkgroupsPerDimension;
    // Samples in the first grid row have every neuron inactive (K_ii = 0): the whole trace comes from the
    // 5 samples past it, so a kernel that ignores workgroup_id.y, or stops at one row, fails.
    const beyondFirstRow: SampleFilter = (index, z) => (index < firstRow ? z.every((value) => value < 0) : someActive(index, z));
    const problem = bulkProblem({ sampleCount: firstRow + 5, width: 3, inputDim: 2, loss: 'logistic', scaling: 'ntk', hasBias: true, centered: true, seed: 11 }, beyondFirstRow);
    await expectGpuMatchesTwin(problem, 'past the dispatch limit');
  });
});

describe('hessian-trace: GpuHessianTrace over live buffers', () => {
  it('re-reads the weights at every compute, serialises concurrent computes and is bitwise reproducible', async () => {
    const problem = makeCurvatureProblem({ ...SHAPE, loss: 'logistic', scaling: 'ntk', hasBias: true, seed: 5, kinkMargin: KINK_MARGIN });
    const other = makeCurvatureProblem({ ...SHAPE, loss: 'logistic', scaling: 'ntk', hasBias: true, seed: 6, kinkMargin: KINK_MARGIN });
    await onGpu('live buffers', async (gpu) => {
      const upload = (label: string, values: Float32Array) => createStorageBuffer(gpu, `test/${label}`, values);
      const inputs = { X: upload('X', problem.data.X), y: upload('y', problem.data.y), a: upload('a', problem.weights.a), W: upload('W', problem.weights.W), b: upload('b', problem.weights.b!) };
      const metric = await GpuHessianTrace.create(gpu, gpuConfig(problem), inputs);
      try {
        expect(metric.updateUnitFactor).toBe(1);
        const [first, second] = await Promise.all([metric.compute(), metric.compute()]);
        expect(second).toBe(first);
        expect(Math.abs(first - referenceTrace(problem))).toBeLessThanOrEqual(traceErrorBound(problem));
        // Same data, the other problem's weights.
        gpu.device.queue.writeBuffer(inputs.a, 0, Float32Array.from(other.weights.a));
        gpu.device.queue.writeBuffer(inputs.W, 0, Float32Array.from(other.weights.W));
        gpu.device.queue.writeBuffer(inputs.b, 0, Float32Array.from(other.weights.b!));
        const moved = { ...problem, params: other.params };
        expect(Math.abs((await metric.compute()) - referenceTrace(moved))).toBeLessThanOrEqual(traceErrorBound(moved));
      } finally {
        metric.destroy();
        Object.values(inputs).forEach((buffer) => buffer.destroy());
      }
    });
  });

  it('reports the update-unit factor m for mean-field', async () => {
    const problem = makeCurvatureProblem({ sampleCount: 3, width: 5, inputDim: 2, loss: 'square', scaling: 'mean-field', hasBias: false, seed: 2 });
    await onGpu('factor', async (gpu) => {
      const inputs = { X: createStorageBuffer(gpu, 'X', problem.data.X), y: createStorageBuffer(gpu, 'y', problem.data.y), a: createStorageBuffer(gpu, 'a', problem.weights.a), W: createStorageBuffer(gpu, 'W', problem.weights.W) };
      const metric = await GpuHessianTrace.create(gpu, gpuConfig(problem), inputs);
      expect(metric.updateUnitFactor).toBe(5);
      metric.destroy();
      Object.values(inputs).forEach((buffer) => buffer.destroy());
    });
  });
});

describe('hessian-trace: argument checks before dispatch', () => {
  it('rejects bad configs, data and buffers with the argument named', async () => {
    const gpu = await getTestGpu();
    const problem = makeCurvatureProblem({ ...SHAPE, loss: 'square', scaling: 'ntk', hasBias: true, seed: 3 });
    const config = gpuConfig(problem);
    const { weights, data } = problem;
    const trace = (c: typeof config & { centered?: boolean }, w = weights, x: typeof data & { outputOffset?: Float32Array } = data) => exactHessianTraceOnGpu(gpu, c, w, x);
    await expect(trace({ ...config, width: 0 })).rejects.toThrow(KernelArgumentError);
    await expect(trace({ ...config, inputDim: 1.5 })).rejects.toThrow(/inputDim/);
    await expect(trace({ ...config, trainable: 'neither' as TrainableParts })).rejects.toThrow(/trainable.*neither/);
    await expect(trace({ ...config, loss: 'hinge' as LossKind })).rejects.toThrow(/loss/);
    await expect(trace({ ...config, alpha: Infinity })).rejects.toThrow(/alpha/);
    await expect(trace(config, weights, { ...data, y: new Float32Array(3) })).rejects.toThrow(/data\.y.*3 elements/);
    const badX = data.X.slice();
    badX[4] = NaN;
    await expect(trace(config, weights, { ...data, X: badX })).rejects.toThrow(/data\.X.*NaN at index 4/);
    const { b: _, ...noBias } = weights;
    await expect(trace(config, noBias)).rejects.toThrow(/weights\.b/);
    await expect(trace({ ...config, centered: true })).rejects.toThrow(/outputOffset.*required/);
    await expect(trace(config, weights, { ...data, outputOffset: new Float32Array(config.sampleCount) })).rejects.toThrow(/outputOffset.*not set/);
    await expect(trace({ ...config, centered: true }, weights, { ...data, outputOffset: new Float32Array(2) })).rejects.toThrow(/outputOffset.*2 elements/);
    const small = createStorageBuffer(gpu, 'tiny', 4);
    const shape = { sampleCount: 4, width: 8, inputDim: 2, scaling: 'ntk' as const, loss: 'square' as const, hasBias: false };
    const buffers = { X: small, y: small, a: small, W: small, terms: small };
    await expect(bindTraceTerms(gpu, shape, buffers)).rejects.toThrow(/X.*holds 4 bytes/);
    await expect(bindTraceTerms(gpu, { ...shape, hasBias: true }, buffers)).rejects.toThrow(/b.*missing/);
    await expect(bindTraceTerms(gpu, shape, { ...buffers, outputOffset: small })).rejects.toThrow(/outputOffset.*not centered/);
    small.destroy();
  });
});
