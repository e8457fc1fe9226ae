import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors';
import { parseConfig, type ExperimentConfigInput } from '../../../src/config/schema';
import { CURVATURE_METRICS, SHARPNESS_DIAGNOSTICS } from '../../../src/metrics/registry';
import { buildProblem } from '../../../src/models/two-layer/problem';
import type { JsonWeights } from '../../../src/models/two-layer/init-file';
import { runExperiment } from '../../../src/run/run-experiment';
import { hessianVectorProduct } from '../../../src/metrics/with-gpu-hessian';
import * as hessian from '../../../src/float64/hessian';
import * as twoLayer from '../../../src/float64/two-layer';
import { getTestGpu, onGpu } from '../../helpers/gpu';
import { expectClose, reductionTolerance, testValues } from '../../helpers/tolerance';
import { gpuConfig, makeCurvatureProblem, testDirection } from '../../metrics/curvature-problems';

/** The centered model f_alpha = alpha (f_theta - f_theta0) of docs/science.md section 0, end to end on both backends. */

/** Metrics of the two backends: float32 training over 30 steps plus reductions (as tests/engine/metrics.test.ts). */
const METRICS = { abs: 1e-6, rel: 1e-3 };
/** Per-step losses: the trainer tests' bound for 50-step curves (measured gaps below 1e-6 relative). */
const CURVE = { abs: 1e-7, rel: 1e-4 };

/** mean_i l(0, y_i): the loss of a centered model at its initial weights, where f - f0 = 0. */
function lossAtZero(y: ArrayLike<number>, loss: 'square' | 'logistic'): number {
  return twoLayer.meanLoss(twoLayer.lossAtOutput(new Float64Array(y.length), y, loss).loss);
}

describe('centered model (alpha (f - f0)) on both backends', () => {
  const square: ExperimentConfigInput = {
    steps: 30,
    stepsPerSubmit: 10,
    loss: 'square',
    model: { width: 20, scaling: 'ntk', alpha: 4, centered: true, bias: true },
    data: { kind: 'teacher-student', sampleCount: 24, testCount: 12, inputDim: 3, teacher: { kind: 'random', width: 2 } },
    // lr / alpha^2: the function-space speed of alpha = 1 (see the laziness test below).
    optimizer: { learningRate: 0.2 / 16 },
    metrics: { every: 15, names: ['loss', 'testLoss', 'gradNorm', ...CURVATURE_METRICS] },
  };

  it('agree on losses, gradients and curvature, starting from f = 0 on train and test sets', async () => {
    const gpu = await runExperiment(parseConfig({ ...square, backend: 'gpu' }), { requestGpu: getTestGpu });
    const cpu = await runExperiment(parseConfig({ ...square, backend: 'float64' }), { requestGpu: getTestGpu });
    expectClose(gpu.stepLosses, cpu.stepLosses, CURVE, 'step losses');
    for (const name of square.metrics!.names!.filter((n) => !SHARPNESS_DIAGNOSTICS.includes(n))) {
      // Sharpness and the trace run on the loss derivatives at f - f0 on both sides; mu on e = f - f0 - y.
      expectClose(gpu.metrics.map((row) => row[name]!), cpu.metrics.map((row) => row[name]!), METRICS, name);
    }
    const problem = await buildProblem(parseConfig(square));
    const [train, test] = [lossAtZero(problem.train.y, 'square'), lossAtZero(problem.test!.y, 'square')];
    // The reference's f - f0 is exactly 0 at step 0 (the same float64 sum twice); the GPU's too, up to its float32 mean.
    expect(cpu.metrics[0]!.loss).toBe(train);
    expect(cpu.metrics[0]!.testLoss).toBe(test);
    expect(cpu.stepLosses[0]).toBe(train);
    expectClose([gpu.metrics[0]!.loss!, gpu.metrics[0]!.testLoss!, gpu.stepLosses[0]!], [train, test, train], reductionTolerance(24, train), 'step-0 losses');
    expect(gpu.metrics.at(-1)!.loss).toBeLessThan(0.5 * train);
    expect(gpu.metrics.at(-1)!.sharpness).toBeGreaterThan(0);
    expect(gpu.metrics.map((row) => row.sharpnessConverged)).toEqual(cpu.metrics.map(() => 1));
  });

  it('run SGD with gathered offsets, classify by the sign of f - f0, and report no margin', async () => {
    const logistic: ExperimentConfigInput = {
      steps: 20,
      stepsPerSubmit: 10,
      loss: 'logistic',
      model: { width: 16, scaling: 'mean-field', alpha: 4, centered: true },
      data: { kind: 'linear-separable', sampleCount: 30, testCount: 10, inputDim: 3, margin: 0.1 },
      optimizer: { learningRate: 0.5 / 16, batchSize: 7 },
      metrics: { every: 10, names: ['loss', 'accuracy', 'testLoss', 'testAccuracy', 'margin'] },
    };
    const gpu = await runExperiment(parseConfig({ ...logistic, backend: 'gpu' }), { requestGpu: getTestGpu });
    const cpu = await runExperiment(parseConfig({ ...logistic, backend: 'float64' }), { requestGpu: getTestGpu });
    expectClose(gpu.stepLosses, cpu.stepLosses, CURVE, 'step losses (batches of 7)');
    for (const name of ['loss', 'accuracy', 'testLoss', 'testAccuracy']) {
      expectClose(gpu.metrics.map((row) => row[name]!), cpu.metrics.map((row) => row[name]!), METRICS, name);
    }
    // l(0, +-1) = log 2 on every sample at the start; min y f / |theta|^2 has no meaning for f - f0.
    expect(cpu.metrics[0]!.loss).toBeCloseTo(Math.LN2, 15);
    expectClose([gpu.metrics[0]!.loss!, gpu.metrics[0]!.testLoss!], [Math.LN2, Math.LN2], reductionTolerance(30, Math.LN2), 'log 2 at step 0');
    for (const row of [...gpu.metrics, ...cpu.metrics]) expect(row.margin).toBeNaN();
    const plain = await runExperiment(parseConfig({ ...logistic, model: { ...logistic.model, centered: false }, backend: 'float64' }));
    expect(Number.isFinite(plain.metrics.at(-1)!.margin)).toBe(true);
  });

  it('refuses online mode with a ConfigError naming model.centered and online', async () => {
    const config = parseConfig({ model: { centered: true }, online: true, data: { kind: 'teacher-student', sampleCount: 8, inputDim: 2 } });
    await expect(buildProblem(config)).rejects.toThrow(ConfigError);
    await expect(buildProblem(config)).rejects.toThrow(/model\.centered.*online/);
  });
});

describe('curvature of a centered model', () => {
  const problem = makeCurvatureProblem({ sampleCount: 10, width: 8, inputDim: 3, loss: 'logistic', scaling: 'ntk', hasBias: true, seed: 13 });
  const n = problem.spec.sampleCount;
  // f0 of the size of f, so r and q at f - f0 differ clearly from those at f.
  const offset32 = testValues(n, 17).map((v) => 2 * v);
  const options = { ...problem.options, outputOffset: Float64Array.from(offset32) };
  const v32 = testDirection(problem, 19);
  const v: hessian.ParamVector = { a: Float64Array.from(v32.a), W: Float64Array.from(v32.W), b: Float64Array.from(v32.b!) };
  const flat = (p: { a: ArrayLike<number>; W: ArrayLike<number>; b?: ArrayLike<number> }) => hessian.flattenParamVector({ a: Float64Array.from(p.a), W: Float64Array.from(p.W), b: Float64Array.from(p.b!) });
  const maxAbs = (values: ArrayLike<number>) => Array.from(values).reduce((max, x) => Math.max(max, Math.abs(x)), 0);

  it('the twin HVP is the derivative of the centered gradient (central differences)', () => {
    const h = 1e-6;
    const shifted = (sign: number) => ({
      ...problem.params,
      a: problem.params.a.map((x, j) => x + sign * h * v.a[j]!),
      W: problem.params.W.map((x, k) => x + sign * h * v.W[k]!),
      b: problem.params.b!.map((x, j) => x + sign * h * v.b![j]!),
    });
    const gradientAt = (sign: number) => {
      const g = twoLayer.gradients(shifted(sign), problem.X, problem.y, n, options);
      return flat({ a: g.gradA, W: g.gradW, b: g.gradB! });
    };
    const plus = gradientAt(1);
    const minus = gradientAt(-1);
    const difference = plus.map((g, k) => (g - minus[k]!) / (2 * h));
    const exact = flat(hessian.hvp(problem.params, problem.X, problem.y, n, options, v));
    // Pre-activations stay 1e-3 from the kink, so the step never crosses it; truncation h^2 and rounding eps/h ~ 1e-10.
    expectClose(exact, difference, { abs: 1e-6 * maxAbs(exact), rel: 1e-6 }, 'Hv vs finite differences');
    const uncentered = flat(hessian.hvp(problem.params, problem.X, problem.y, n, problem.options, v));
    expect(maxAbs(uncentered.map((x, k) => x - exact[k]!))).toBeGreaterThan(0.01 * maxAbs(exact));
  });

  it('the GPU HVP with the offset buffer matches the twin', async () => {
    const result = await onGpu('centered hvp', (gpu) =>
      hessianVectorProduct(gpu, { ...gpuConfig(problem), centered: true }, problem.weights, { ...problem.data, outputOffset: offset32 }, v32));
    const exact = flat(hessian.hvp(problem.params, problem.X, problem.y, n, options, v));
    // float32 chains of n + 2m + d sums (as in tests/kernels/hessian.test.ts), against the largest entry;
    // a missing offset moves Hv by over 1% of it (checked above).
    expectClose(flat(result), exact, { abs: 64 * reductionTolerance(n + 16 + 3).rel * maxAbs(exact), rel: 1e-4 }, 'centered Hv');
    const gpu = await getTestGpu();
    await expect(hessianVectorProduct(gpu, { ...gpuConfig(problem), centered: true }, problem.weights, problem.data, v32)).rejects.toThrow(/outputOffset.*required/);
    await expect(hessianVectorProduct(gpu, gpuConfig(problem), problem.weights, { ...problem.data, outputOffset: offset32 }, v32)).rejects.toThrow(/outputOffset.*not set/);
  });
});

describe('laziness of the centered model (reference backend)', () => {
  /**
   * f_alpha = alpha (f - f0) has gradient alpha grad f and NTK alpha^2 K, so GD at lr / alpha^2 moves f_alpha
   * at the same speed in function space for every alpha (lazy-training convention). Fitting the same targets
   * then takes a parameter displacement about 1/alpha as large: training becomes lazy as alpha grows.
   */
  it('the relative distance from init shrinks like 1/alpha at lr / alpha^2, while the fit stays the same', async () => {
    const distances: number[] = [];
    for (const alpha of [1, 4, 16]) {
      const config = parseConfig({
        backend: 'float64', steps: 200, stepsPerSubmit: 100, loss: 'square',
        model: { width: 64, scaling: 'ntk', alpha, centered: true },
        data: { kind: 'teacher-student', sampleCount: 16, inputDim: 3, teacher: { kind: 'random', width: 2 } },
        optimizer: { learningRate: 0.5 / alpha ** 2 },
        metrics: { every: 200, names: ['loss'] },
      });
      const { init } = await buildProblem(config);
      const result = await runExperiment(config, { saveParams: true });
      const initial = [...init.a, ...init.W];
      const final = [...(result.final as JsonWeights).a, ...(result.final as JsonWeights).W.flat()];
      const squared = (values: number[]) => values.reduce((sum, x) => sum + x * x, 0);
      distances.push(Math.sqrt(squared(final.map((x, k) => x - initial[k]!)) / squared(initial)));
      // Same function-space dynamics: every alpha fits to below 1% of the initial loss in 200 steps.
      expect(result.metrics.at(-1)!.loss).toBeLessThan(0.01 * result.metrics[0]!.loss!);
    }
    // Measured: 0.125, 0.032, 0.0080 (ratios 3.9 and 4.0); ratios in [3, 5] per factor 4 of alpha.
    expect(distances[0]!).toBeGreaterThan(0.05); // alpha = 1 really moves
    for (const k of [1, 2]) {
      const ratio = distances[k - 1]! / distances[k]!;
      expect(ratio).toBeGreaterThan(3);
      expect(ratio).toBeLessThan(5);
    }
  });
});
