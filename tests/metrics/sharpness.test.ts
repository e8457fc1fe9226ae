import { describe, expect, it } from 'vitest';
import { KernelArgumentError } from '../../src/gpu/errors';
import { GpuHessian, withGpuHessian } from '../../src/metrics/sharpness';
import { createStorageBuffer } from '../../src/gpu/buffers';
import { TwoLayerTrainer } from '../../src/model/two-layer-trainer';
import { SCALINGS, type TrainableParts } from '../../src/model/conventions';
import * as hessian from '../../src/reference/hessian';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { F32_EPSILON } from '../helpers/tolerance';
import { gpuConfig, makeCurvatureProblem, type CurvatureProblem, type ProblemSpec } from './curvature-problems';

const SMALL: Omit<ProblemSpec, 'loss' | 'scaling' | 'hasBias' | 'seed'> = { sampleCount: 10, width: 8, inputDim: 3 };
/** The brief's bar for power iteration against the dense eigen-solve on small nets with a clear spectral gap. */
const SHARPNESS_RELATIVE_TOLERANCE = 1e-3;
/**
 * Power iteration settings: the Rayleigh quotient converges like (lambda_2 / lambda_1)^(2k); with the gap
 * required below (ratio <= 0.9) 400 iterations reach 1e-18, so the stop is set by the 1e-6 relative-change
 * test, which float32 Rayleigh quotients (relative noise ~ sqrt(p) eps ~ 1e-6) meet within a few iterations of it.
 */
const POWER = { maxIterations: 400, tolerance: 1e-6, seed: 7 };

function exactSpectrum(problem: CurvatureProblem): hessian.HessianSpectrum {
  return hessian.exactHessianSpectrum(problem.params, problem.X, problem.y, problem.spec.sampleCount, problem.options);
}

/** Gap precondition: |lambda_2| and |lambda_min| at most 0.9 lambda_max, so the power iteration converges geometrically. */
function expectSpectralGap(spectrum: hessian.HessianSpectrum): void {
  const values = spectrum.eigenvalues;
  const top = values[0]!;
  expect(top).toBeGreaterThan(0);
  expect(Math.abs(values[1]!)).toBeLessThan(0.9 * top);
  expect(Math.abs(values[values.length - 1]!)).toBeLessThan(0.9 * top);
}

describe('sharpness: power iteration on the GPU', () => {
  const cases = SCALINGS.flatMap((scaling) => (['square', 'logistic'] as const).map((loss) => [scaling, loss] as const));
  it.each(cases)('matches the dense eigen-solve within 1e-3 relative, in update units (%s scaling, %s loss)', async (scaling, loss) => {
    const problem = makeCurvatureProblem({ ...SMALL, loss, scaling, hasBias: true, seed: 3 });
    const exact = exactSpectrum(problem);
    expectSpectralGap(exact);
    const estimate = await onGpu('sharpness', (gpu) => withGpuHessian(gpu, gpuConfig(problem), problem.weights, problem.data, (h) => h.sharpness(POWER)));
    expect(estimate.converged).toBe(true);
    expect(estimate.shift).toBe(0);
    expect(estimate.iterations).toBeLessThanOrEqual(estimate.history.length);
    expect(Math.abs(estimate.sharpness - exact.sharpness)).toBeLessThan(SHARPNESS_RELATIVE_TOLERANCE * exact.sharpness);
  });

  it.each(['first', 'second'] as TrainableParts[])('restricts to the trainable parts (%s)', async (trainable) => {
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'square', scaling: 'mean-field', hasBias: true, trainable, seed: 5 });
    const exact = exactSpectrum(problem);
    expectSpectralGap(exact);
    const estimate = await onGpu('sharpness', (gpu) => withGpuHessian(gpu, gpuConfig(problem), problem.weights, problem.data, (h) => h.sharpness(POWER)));
    expect(Math.abs(estimate.sharpness - exact.sharpness)).toBeLessThan(SHARPNESS_RELATIVE_TOLERANCE * exact.sharpness);
  });

  it('follows the twin\'s recursion step by step from the same start vector, also with a shift', async () => {
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'exponential', scaling: 'ntk', hasBias: false, seed: 9 });
    const exact = exactSpectrum(problem);
    const lambdaMin = exact.eigenvalues[exact.eigenvalues.length - 1]!;
    const mask = hessian.trainableMask(SMALL.width, SMALL.inputDim, false);
    const start = hessian.powerStartVector(11, mask);
    const apply = hessian.hessianOperator(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options);
    const options = { maxIterations: 30, tolerance: 0, checkEvery: 7 };
    const [plain, shifted] = await onGpu('power iteration', (gpu) =>
      withGpuHessian(gpu, gpuConfig(problem), problem.weights, problem.data, async (h) => [
        await h.powerIteration(start, options),
        await h.powerIteration(start, { ...options, shift: lambdaMin }),
      ]),
    );
    const twinPlain = hessian.powerIteration(apply, start, options);
    const twinShifted = hessian.powerIteration(apply, start, { ...options, shift: lambdaMin });
    // tolerance 0: never converges early, so both run all 30 iterations (4 full chunks of 7 and one of 2).
    expect(plain.iterations).toBe(30);
    expect(plain.converged).toBe(false);
    expect(plain.history.length).toBe(30);
    // Each Rayleigh quotient is a float32 reduction over p = 32 products after one HVP (relative error
    // ~ 1e-6 at most); the iteration contracts errors in v, so they do not grow: 1e-4 of lambda_max.
    const scale = exact.sharpness;
    for (const [gpu, twin] of [[plain, twinPlain], [shifted, twinShifted]] as const) {
      gpu.history.forEach((rho, k) => expect(Math.abs(rho - twin.history[k]!), `rho_${k + 1}`).toBeLessThan(1e-4 * scale));
    }
    // The shifted run converges to lambda_max (lambda_max - shift is the dominant eigenvalue of H - shift I).
    expect(Math.abs(shifted.estimate - exact.sharpness)).toBeLessThan(1e-3 * exact.sharpness);
  });

  it('stays finite where the Hessian vanishes (every neuron inactive): estimate 0', async () => {
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'square', scaling: 'standard', hasBias: false, seed: 13 });
    const weights = { a: problem.weights.a, W: problem.weights.W.map((w) => -Math.abs(w)) };
    const data = { X: problem.data.X.map((x) => Math.abs(x)), y: problem.data.y };
    const estimate = await onGpu('sharpness of a dead net', (gpu) =>
      withGpuHessian(gpu, { ...gpuConfig(problem), hasBias: false }, weights, data, (h) => h.sharpness(POWER)));
    expect(Math.abs(estimate.sharpness)).toBe(0);
    expect(estimate.converged).toBe(true);
    expect(estimate.iterations).toBe(2);
  });
});

describe('sharpness: on a trainer\'s weights', () => {
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
          return { estimate: await h.sharpness(POWER), weights: await trainer.readWeights() };
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
    expectSpectralGap(exact);
    expect(Math.abs(estimate.sharpness - exact.sharpness)).toBeLessThan(SHARPNESS_RELATIVE_TOLERANCE * exact.sharpness);
    // The weights moved, so this is not the sharpness at initialisation.
    expect(Math.abs(exactSpectrum(problem).sharpness - exact.sharpness)).toBeGreaterThan(SHARPNESS_RELATIVE_TOLERANCE * exact.sharpness);
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
  it('Hutchinson samples and Rayleigh quotients match the twin when p spans several vector_dots workgroups', async () => {
    // p = m (d + 2) = 300 * 17 = 5100 > VECTOR_DOTS_CHUNK = 4096: two partial sums, combined by vector_dots_total.
    const problem = makeCurvatureProblem({ sampleCount: 6, width: 300, inputDim: 15, loss: 'square', scaling: 'ntk', hasBias: true, seed: 23, kinkMargin: 1e-4 });
    const p = hessian.parameterCount(300, 15, true);
    const mask = hessian.trainableMask(300, 15, true);
    const start = hessian.powerStartVector(5, mask);
    const options = { maxIterations: 6, tolerance: 0 };
    const { trace, power } = await onGpu('long vectors', (gpu) =>
      withGpuHessian(gpu, gpuConfig(problem), problem.weights, problem.data, async (h) => ({
        trace: await h.hutchinsonTrace({ probeCount: 4, seed: 2 }),
        power: await h.powerIteration(start, options),
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
    const twinPower = hessian.powerIteration(apply, start, options);
    const scale = Math.abs(twinPower.history[5]!);
    power.history.forEach((rho, k) => expect(Math.abs(rho - twinPower.history[k]!), `rho_${k + 1}`).toBeLessThan(1e-4 * scale));
    expect(p).toBeGreaterThan(4096);
  });
});

describe('sharpness: argument checks', () => {
  it('rejects bad iteration settings and start vectors before dispatching', async () => {
    const gpu = await getTestGpu();
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'square', scaling: 'ntk', hasBias: false, trainable: 'second', seed: 3 });
    await withGpuHessian(gpu, { ...gpuConfig(problem), historyCapacity: 8 }, problem.weights, problem.data, async (h) => {
      const p = h.parameterCount;
      await expect(h.powerIteration(new Float32Array(p).fill(1), { maxIterations: 9 })).rejects.toThrow(/maxIterations.*historyCapacity/);
      await expect(h.hutchinsonTrace({ probeCount: 9, seed: 1 })).rejects.toThrow(/probeCount.*historyCapacity/);
      await expect(h.powerIteration(new Float32Array(p - 1).fill(1), { maxIterations: 5 })).rejects.toThrow(KernelArgumentError);
      // Nonzero only on the frozen first layer: zero on the trainable coordinates.
      const frozenOnly = new Float32Array(p).fill(1).fill(0, 0, SMALL.width);
      await expect(h.powerIteration(frozenOnly, { maxIterations: 5 })).rejects.toThrow(/start.*zero/);
      await expect(h.powerIteration(new Float32Array(p).fill(1), { maxIterations: 5, shift: Infinity })).rejects.toThrow(/shift/);
      await expect(h.powerIteration(new Float32Array(p).fill(1), { maxIterations: 5, checkEvery: 0 })).rejects.toThrow(/checkEvery/);
    });
  });
});
