import { describe, expect, it } from 'vitest';
import { KernelArgumentError } from '../../src/core/errors';
import { GpuHessian } from '../../src/metrics/sharpness';
import { withGpuHessian } from '../../src/metrics/with-gpu-hessian';
import type { HessianData } from '../../src/metrics/gpu-hessian-config';
import { createStorageBuffer } from '../../src/gpu/buffers';
import { TwoLayerTrainer } from '../../src/models/two-layer/trainer';
import { SCALINGS, type TrainableParts } from '../../src/core/conventions';
import * as hessian from '../../src/float64/hessian';
import { ritzResidual } from '../../src/core/lanczos';
import { forward } from '../../src/float64/two-layer';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { F32_EPSILON } from '../helpers/tolerance';
import { powerIterationSharpness } from '../helpers/power-iteration';
import { NEAR_SYMMETRIC_SPEC, gpuConfig, makeCurvatureProblem, type CurvatureProblem, type ProblemSpec } from './curvature-problems';

const SMALL: Omit<ProblemSpec, 'loss' | 'scaling' | 'hasBias' | 'seed'> = { sampleCount: 10, width: 8, inputDim: 3 };
/** Seed of the start vector, the same on both sides. */
const SEED = 7;
/**
 * GPU Lanczos against the dense float64 eigen-solve, relative to lambda_max. Two errors add: the stopping
 * rule leaves a residual r <= 1e-5 lambda, and some eigenvalue lies within r of the estimate (Kahan); the
 * float32 HVP differs from the exact H by E with |E| <~ 8 sqrt(n + 2m + d) eps |H| (the HVP tests' bound,
 * ~2e-6 at these sizes), which moves every eigenvalue by at most |E| (Weyl). 1e-4 covers both with margin;
 * a wrong eigenvalue (lambda_2 <= 0.97 lambda_max in these problems) or a lost factor m misses it by far.
 */
const SHARPNESS_TOLERANCE = 1e-4;
/** The true residual |H y - theta y| of a converged float32 run: the 1e-5 stopping rule plus the float32 floor (~1e-6). */
const RESIDUAL_TOLERANCE = 1e-4;

type Setup = { problem: CurvatureProblem; data: HessianData; config: ReturnType<typeof gpuConfig> & { centered?: boolean } };

function setup(spec: ProblemSpec): Setup {
  const problem = makeCurvatureProblem(spec);
  return { problem, data: problem.data, config: gpuConfig(problem) };
}

/** The centered model of `spec`: the loss is taken at f - f0 with f0 = 0.6 f (float32), so r, q and f - f0 all differ from the plain net. */
function centeredSetup(spec: ProblemSpec): Setup {
  const plain = makeCurvatureProblem(spec);
  const offset = Float32Array.from(forward(plain.params, plain.X, spec.sampleCount, plain.options).output, (f) => 0.6 * f);
  const problem = { ...plain, options: { ...plain.options, centered: true, outputOffset: Float64Array.from(offset) } };
  return { problem, data: { ...plain.data, outputOffset: offset }, config: { ...gpuConfig(plain), centered: true } };
}

/**
 * m = d = n = 1 with a bias, written out (makeCurvatureProblem wants an inactive unit, which would leave H = 0
 * here): z = 0.5 * 1.5 + 0.25 > 0, and the target is far from f, so the residual term makes H indefinite.
 */
function singleNeuronSetup(): Setup {
  const weights = { a: Float32Array.of(0.75), W: Float32Array.of(0.5), b: Float32Array.of(0.25) };
  const data = { X: Float32Array.of(1.5), y: Float32Array.of(-1.25) };
  const spec: ProblemSpec = { sampleCount: 1, width: 1, inputDim: 1, loss: 'square', scaling: 'ntk', hasBias: true, seed: 0 };
  const params = { width: 1, inputDim: 1, a: Float64Array.from(weights.a), W: Float64Array.from(weights.W), b: Float64Array.from(weights.b) };
  const problem: CurvatureProblem = { spec, params, X: Float64Array.from(data.X), y: Float64Array.from(data.y), options: { scaling: 'ntk', loss: 'square', alpha: 1.5, trainable: 'both' }, weights, data };
  return { problem, data, config: gpuConfig(problem) };
}

function exactSpectrum(problem: CurvatureProblem): hessian.HessianSpectrum {
  return hessian.exactHessianSpectrum(problem.params, problem.X, problem.y, problem.spec.sampleCount, problem.options);
}

function twinSharpness(problem: CurvatureProblem, options: { maxIterations?: number } = {}): hessian.SharpnessEstimate {
  return hessian.estimateSharpness(problem.params, problem.X, problem.y, problem.spec.sampleCount, problem.options, { seed: SEED, ...options });
}

function gpuSharpness(s: Setup, options: { maxIterations?: number; withVector?: boolean; checkEvery?: number } = {}): Promise<hessian.SharpnessEstimate> {
  return onGpu('sharpness', (gpu) => withGpuHessian(gpu, s.config, s.problem.weights, s.data, (h) => h.sharpness({ seed: SEED, ...options })));
}

function expectMatchesDense(estimate: hessian.SharpnessEstimate, exact: hessian.HessianSpectrum): void {
  expect(estimate.converged).toBe(true);
  expect(estimate.factor).toBe(exact.factor);
  expect(Math.abs(estimate.sharpness - exact.sharpness), `${estimate.sharpness} vs exact ${exact.sharpness}`).toBeLessThan(SHARPNESS_TOLERANCE * exact.sharpness);
  expect(estimate.residual).toBeLessThan(RESIDUAL_TOLERANCE * exact.sharpness);
  expect(estimate.alphas.length).toBe(estimate.iterations);
}

/** |H y - theta y| with the dense float64 Hessian (restricted to the trainable coordinates) and a given unit y. */
function denseResidual(problem: CurvatureProblem, y: Float64Array, theta: number): number {
  const p = y.length;
  const H = hessian.denseHessian(problem.params, problem.X, problem.y, problem.spec.sampleCount, problem.options);
  const hy = Float64Array.from({ length: p }, (_, i) => y.reduce((sum, x, j) => sum + H[i * p + j]! * x, 0));
  return ritzResidual(hy, y, theta);
}

describe('sharpness: Lanczos on the GPU against the dense float64 eigen-solve', () => {
  const cases = SCALINGS.flatMap((scaling) => (['square', 'logistic'] as const).map((loss) => [scaling, loss] as const));
  it.each(cases)('%s scaling, %s loss, with bias: lambda_max in parameter units, the factor beside it', async (scaling, loss) => {
    const s = setup({ ...SMALL, loss, scaling, hasBias: true, seed: 3 });
    const exact = exactSpectrum(s.problem);
    expectMatchesDense(await gpuSharpness(s), exact);
    expect(exact.factor).toBe(scaling === 'mean-field' ? SMALL.width : 1);
  });

  const awkward: [string, () => Setup][] = [
    ['m = d = n = 1, with bias (p = 3)', singleNeuronSetup],
    ['n = 13, m = 70, d = 5: past one workgroup of 64, no tile multiple', () => setup({ sampleCount: 13, width: 70, inputDim: 5, loss: 'logistic', scaling: 'mean-field', hasBias: true, seed: 5, kinkMargin: 1e-4 })],
    ['first layer only (mean-field, bias)', () => setup({ ...SMALL, loss: 'square', scaling: 'mean-field', hasBias: true, trainable: 'first' as TrainableParts, seed: 5 })],
    ['second layer only (standard, no bias)', () => setup({ ...SMALL, loss: 'exponential', scaling: 'standard', hasBias: false, trainable: 'second' as TrainableParts, seed: 5 })],
    ['centered f - f0 (ntk, logistic, bias)', () => centeredSetup({ ...SMALL, loss: 'logistic', scaling: 'ntk', hasBias: true, seed: 9 })],
  ];
  it.each(awkward)('%s', async (_, make) => {
    const s = make();
    const exact = exactSpectrum(s.problem);
    const estimate = await gpuSharpness(s);
    expectMatchesDense(estimate, exact);
    // The twin runs the same algorithm from the same start: same stop (within one iteration of float32 noise) and value.
    const twin = twinSharpness(s.problem);
    expect(Math.abs(estimate.iterations - twin.iterations)).toBeLessThanOrEqual(1);
    expect(Math.abs(twin.sharpness - exact.sharpness)).toBeLessThan(SHARPNESS_TOLERANCE * exact.sharpness);
  });

  it('follows the twin coefficient by coefficient from the same start vector, across submits', async () => {
    const s = setup({ ...SMALL, loss: 'exponential', scaling: 'ntk', hasBias: false, seed: 9 });
    // checkEvery 3: the recurrence resumes across submits from the state left on the GPU.
    const gpuRun = await gpuSharpness(s, { checkEvery: 3 });
    const twin = twinSharpness(s.problem);
    // The same stopping rule on float32 and float64 coefficients: the same k unless one sits on the threshold.
    expect(Math.abs(gpuRun.iterations - twin.iterations)).toBeLessThanOrEqual(1);
    // alpha_k = v_k . H v_k and beta_{k+1} = |w'|: float32 reductions over p = 32 products after one HVP
    // (relative error ~1e-6 each), carried through the recurrence; up to the stop (before any Ritz value has
    // converged far enough to spoil orthogonality) they stay within 1e-4 of lambda_max of the twin's.
    const scale = exactSpectrum(s.problem).sharpness;
    const k = Math.min(gpuRun.iterations, twin.iterations);
    expect(k).toBeGreaterThan(3);
    for (let j = 0; j < k; j++) {
      expect(Math.abs(gpuRun.alphas[j]! - twin.alphas[j]!), `alpha_${j}`).toBeLessThan(1e-4 * scale);
      expect(Math.abs(gpuRun.betas[j]! - twin.betas[j]!), `beta_${j + 1}`).toBeLessThan(1e-4 * scale);
    }
  });
});

describe('sharpness: a spectrum where power iteration fails (|lambda_min| / lambda_max = 0.997)', () => {
  const s = setup(NEAR_SYMMETRIC_SPEC);
  const exact = exactSpectrum(s.problem);
  const lambdaMin = exact.eigenvalues[exact.eigenvalues.length - 1]!;

  it('is the spectrum it claims, and power iteration with a shifted rerun ends far off', () => {
    expect(-lambdaMin / exact.sharpness).toBeGreaterThan(0.99);
    expect(exact.eigenvalues[1]! / exact.sharpness).toBeLessThan(0.98);
    const mask = hessian.trainableMask(s.problem.spec.width, s.problem.spec.inputDim, false);
    const apply = hessian.hessianOperator(s.problem.params, s.problem.X, s.problem.y, s.problem.spec.sampleCount, s.problem.options);
    const old = powerIterationSharpness(apply, hessian.sharpnessStartVector(SEED, mask), 200, 1e-5).estimate;
    // Measured: 30 % low (the case was 1.75 % low; any error above 1 % is the failure).
    expect(Math.abs(old - exact.sharpness)).toBeGreaterThan(0.01 * exact.sharpness);
  });

  it('Lanczos finds lambda_max on the GPU and in the twin within a few dozen iterations', async () => {
    const estimate = await gpuSharpness(s);
    expectMatchesDense(estimate, exact);
    expect(estimate.iterations).toBeLessThanOrEqual(30);
    const twin = twinSharpness(s.problem);
    expect(twin.converged).toBe(true);
    expect(Math.abs(twin.sharpness - exact.sharpness)).toBeLessThan(1e-8 * exact.sharpness);
  });

  it('reports converged = false at a cap of 3 iterations, with the residual of its Ritz pair', async () => {
    const estimate = await gpuSharpness(s, { maxIterations: 3, withVector: true });
    expect(estimate.converged).toBe(false);
    expect(estimate.iterations).toBe(3);
    expect(estimate.ritzEstimate).toBeGreaterThan(1e-5 * estimate.sharpness);
    const y = estimate.vector!;
    // The GPU's residual against the dense float64 one for the same y: float32 rounding of H y (~1e-6 |H|).
    const dense = denseResidual(s.problem, y, estimate.sharpness);
    expect(Math.abs(estimate.residual - dense)).toBeLessThan(1e-4 * exact.sharpness + 1e-3 * dense);
    expect(dense).toBeGreaterThan(1e-3 * exact.sharpness);
    // The twin stops unconverged at 3 too, and its residual is the dense one of its own Ritz vector.
    const twin = twinSharpness(s.problem, { maxIterations: 3 });
    expect(twin.converged).toBe(false);
    expect(twin.residual).toBeCloseTo(denseResidual(s.problem, twin.vector!, twin.sharpness), 10);
    expect(Math.abs(estimate.sharpness - twin.sharpness)).toBeLessThan(1e-4 * exact.sharpness);
  });
});

describe('sharpness: the Ritz vector from the stored basis or from a replay', () => {
  it('gives the same estimate and residual either way (basis within budget, no budget, a basis shorter than the run)', async () => {
    const s = setup(NEAR_SYMMETRIC_SPEC);
    const run = (config: { basisBytes?: number; basisIterations?: number }) =>
      onGpu('ritz vector paths', (gpu) => withGpuHessian(gpu, { ...s.config, ...config }, s.problem.weights, s.data, async (h) => ({ rows: h.basisRows, estimate: await h.sharpness({ seed: SEED, withVector: true }) })));
    const stored = await run({});
    const replayed = await run({ basisBytes: 0 });
    const short = await run({ basisIterations: 2 });
    expect([stored.rows, replayed.rows, short.rows]).toEqual([100, 0, 2]);
    expect(stored.estimate.iterations).toBeGreaterThan(2);
    // Pass 1 is the same recurrence: identical coefficients and estimate.
    for (const other of [replayed, short]) {
      expect(other.estimate.sharpness).toBe(stored.estimate.sharpness);
      expect(Array.from(other.estimate.alphas)).toEqual(Array.from(stored.estimate.alphas));
      // The replay rebuilds v_j with the same kernels; y differs at most by the rounding of the sums (~1e-7).
      expect(Math.abs(other.estimate.residual - stored.estimate.residual)).toBeLessThan(1e-6 * stored.estimate.sharpness);
      other.estimate.vector!.forEach((y, e) => expect(Math.abs(y - stored.estimate.vector![e]!), `y[${e}]`).toBeLessThan(1e-5));
    }
  });
});

describe('sharpness: edge cases', () => {
  it('stays finite where the Hessian vanishes (every neuron inactive): 0 after one iteration, converged', async () => {
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'square', scaling: 'standard', hasBias: false, seed: 13 });
    const weights = { a: problem.weights.a, W: problem.weights.W.map((w) => -Math.abs(w)) };
    const data = { X: problem.data.X.map((x) => Math.abs(x)), y: problem.data.y };
    const estimate = await onGpu('sharpness of a dead net', (gpu) =>
      withGpuHessian(gpu, { ...gpuConfig(problem), hasBias: false }, weights, data, (h) => h.sharpness({ seed: SEED })));
    expect(Math.abs(estimate.sharpness)).toBe(0);
    expect(estimate.residual).toBe(0);
    expect(estimate.converged).toBe(true);
    expect(estimate.iterations).toBe(1);
  });

  it('reads the weight buffers of a TwoLayerTrainer in place (no readback) after a few GD steps', async () => {
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'square', scaling: 'mean-field', hasBias: true, seed: 19 });
    const config = gpuConfig(problem);
    const { estimate, weights } = await onGpu('sharpness on trainer weights', async (gpu) => {
      const trainer = await TwoLayerTrainer.create(gpu, { ...config, learningRate: 0.05, seed: 1 }, problem.weights, problem.data);
      const X = createStorageBuffer(gpu, 'X', problem.data.X);
      const y = createStorageBuffer(gpu, 'y', problem.data.y);
      try {
        await trainer.train(5);
        const h = await GpuHessian.create(gpu, config, { X, y, ...trainer.weightBuffers });
        try {
          return { estimate: await h.sharpness({ seed: SEED }), weights: await trainer.readWeights() };
        } finally {
          h.destroy();
        }
      } finally {
        trainer.destroy();
        X.destroy();
        y.destroy();
      }
    });
    const params = { ...problem.params, a: Float64Array.from(weights.a), W: Float64Array.from(weights.W), b: Float64Array.from(weights.b!) };
    const exact = hessian.exactHessianSpectrum(params, problem.X, problem.y, SMALL.sampleCount, problem.options);
    expectMatchesDense(estimate, exact);
    // The weights moved, so this is not the sharpness at initialisation.
    expect(Math.abs(exactSpectrum(problem).sharpness - exact.sharpness)).toBeGreaterThan(SHARPNESS_TOLERANCE * exact.sharpness);
  });
});

describe('sharpness: Hutchinson trace on the GPU', () => {
  it.each(['both', 'first', 'second'] as TrainableParts[])('uses the twin\'s probes and estimates the exact trace (trainable %s)', async (trainable) => {
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'logistic', scaling: 'mean-field', hasBias: true, trainable, seed: 17 });
    const { width: m, inputDim: d } = SMALL;
    const probeCount = 200;
    const seed = 21;
    const gpuResult = await onGpu('hutchinson', (gpu) =>
      withGpuHessian(gpu, gpuConfig(problem), problem.weights, problem.data, (h) => h.hutchinsonTrace({ probeCount, seed, probesPerSubmit: 64 })));
    const mask = hessian.trainableMask(m, d, true, trainable);
    const apply = hessian.hessianOperator(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options);
    const twin = hessian.hutchinsonTrace(apply, mask, { probeCount, seed });
    // Same probes: z . Hz agree to float32 accuracy. A sample sums p products z_e (Hz)_e, each within
    // ~1e-5 relative of sum_e |(Hz)_e|; 1e-4 of that bound leaves margin and a wrong probe changes O(1).
    for (let k = 0; k < probeCount; k++) {
      const z = hessian.rademacherProbe(seed, hessian.HESSIAN_RANDOM_STREAMS.hutchinson, k, mask);
      const bound = apply(z).reduce((sum, value) => sum + Math.abs(value), 0);
      expect(Math.abs(gpuResult.samples[k]! - twin.samples[k]!), `probe ${k}`).toBeLessThan(1e-4 * bound + 64 * F32_EPSILON);
    }
    // Against the exact trace: Var(z^T H z) = 2 (|H|_F^2 - sum H_ii^2) over the trainable block; 5 standard errors.
    const p = mask.length;
    const H = hessian.denseHessian(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options);
    let trace = 0;
    let offDiagonal = 0;
    for (let i = 0; i < p; i++) {
      trace += H[i * p + i]!;
      for (let k = 0; k < p; k++) if (k !== i) offDiagonal += H[i * p + k]! ** 2;
    }
    const standardError = Math.sqrt((2 * offDiagonal) / probeCount);
    expect(Math.abs(gpuResult.estimate - trace)).toBeLessThan(5 * standardError + 1e-6 * Math.abs(trace));
    expect(gpuResult.traceInUpdateUnits).toBeCloseTo(m * gpuResult.estimate, 10);
  });
});

describe('sharpness: vectors longer than one reduction chunk', () => {
  it('Hutchinson samples and Lanczos coefficients match the twin when p spans several workgroups of the reductions', async () => {
    // p = m (d + 2) = 300 * 17 = 5100 > 4096 (VECTOR_DOTS_CHUNK = LANCZOS_CHUNK): two partial sums, combined by the totals.
    const problem = makeCurvatureProblem({ sampleCount: 6, width: 300, inputDim: 15, loss: 'square', scaling: 'ntk', hasBias: true, seed: 23, kinkMargin: 1e-4 });
    const p = hessian.parameterCount(300, 15, true);
    const mask = hessian.trainableMask(300, 15, true);
    const start = hessian.sharpnessStartVector(5, mask);
    const options = { maxIterations: 6, tolerance: 0 };
    const { trace, lanczos } = await onGpu('long vectors', (gpu) =>
      withGpuHessian(gpu, gpuConfig(problem), problem.weights, problem.data, async (h) => ({
        trace: await h.hutchinsonTrace({ probeCount: 4, seed: 2 }),
        lanczos: await h.lanczos(start, options),
      })),
    );
    const apply = hessian.hessianOperator(problem.params, problem.X, problem.y, 6, problem.options);
    const twinTrace = hessian.hutchinsonTrace(apply, mask, { probeCount: 4, seed: 2 });
    for (let k = 0; k < 4; k++) {
      const z = hessian.rademacherProbe(2, hessian.HESSIAN_RANDOM_STREAMS.hutchinson, k, mask);
      const bound = apply(z).reduce((sum, value) => sum + Math.abs(value), 0);
      // As in the Hutchinson test above: 1e-4 of sum_e |(Hz)_e| (float32 rounding is ~1e-5 of it at p = 5100).
      expect(Math.abs(trace.samples[k]! - twinTrace.samples[k]!), `probe ${k}`).toBeLessThan(1e-4 * bound);
    }
    const twin = hessian.estimateSharpness(problem.params, problem.X, problem.y, 6, problem.options, { seed: 5, ...options });
    // Rank <= 6 (n = 6 samples, square loss, Gauss-Newton plus the residual term): a few iterations span the range.
    const scale = Math.abs(twin.estimate);
    lanczos.alphas.forEach((alpha, k) => expect(Math.abs(alpha - twin.alphas[k]!), `alpha_${k}`).toBeLessThan(1e-4 * scale));
    expect(Math.abs(lanczos.estimate - twin.estimate)).toBeLessThan(1e-4 * scale);
    expect(p).toBeGreaterThan(4096);
  });
});

describe('sharpness: argument checks', () => {
  it('rejects bad iteration settings and start vectors before dispatching', async () => {
    const gpu = await getTestGpu();
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'square', scaling: 'ntk', hasBias: false, trainable: 'second', seed: 3 });
    await withGpuHessian(gpu, { ...gpuConfig(problem), historyCapacity: 8 }, problem.weights, problem.data, async (h) => {
      const p = h.parameterCount;
      await expect(h.lanczos(new Float32Array(p).fill(1), { maxIterations: 9 })).rejects.toThrow(/maxIterations.*historyCapacity/);
      await expect(h.hutchinsonTrace({ probeCount: 9, seed: 1 })).rejects.toThrow(/probeCount.*historyCapacity/);
      await expect(h.lanczos(new Float32Array(p - 1).fill(1), { maxIterations: 5 })).rejects.toThrow(KernelArgumentError);
      // Nonzero only on the frozen first layer: zero on the trainable coordinates.
      const frozenOnly = new Float32Array(p).fill(1).fill(0, 0, SMALL.width);
      await expect(h.lanczos(frozenOnly, { maxIterations: 5 })).rejects.toThrow(/start.*zero/);
      await expect(h.lanczos(new Float32Array(p).fill(1), { maxIterations: 5, tolerance: -1 })).rejects.toThrow(/tolerance/);
      await expect(h.lanczos(new Float32Array(p).fill(1), { maxIterations: 5, checkEvery: 0 })).rejects.toThrow(/checkEvery/);
    });
  });
});
