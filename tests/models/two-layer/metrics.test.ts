import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/schema';
import { CURVATURE_METRICS, SHARPNESS_DIAGNOSTICS, metricNamesOf } from '../../../src/metrics/registry';
import { prepareRun, runExperiment } from '../../../src/run/run-experiment';
import { getTestGpu } from '../../helpers/gpu';
import { expectClose } from '../../helpers/tolerance';

/** Every logged metric on both backends from the same seed: the GPU path against the float64 one. */
describe('metrics at logged steps, GPU against reference', () => {
  const base = {
    steps: 30,
    stepsPerSubmit: 10,
    loss: 'logistic',
    model: { width: 24, scaling: 'mean-field' },
    data: { kind: 'linear-separable', sampleCount: 40, testCount: 16, inputDim: 3, margin: 0.1 },
    optimizer: { learningRate: 0.5 },
    // Curvature metrics have their own case below, and w2ToTarget needs a target measure.
    metrics: { every: 10, names: metricNamesOf('two-layer').filter((name) => !(CURVATURE_METRICS as readonly string[]).includes(name) && name !== 'w2ToTarget') },
  };

  it('agree on curvature and kernel metrics for the square loss', async () => {
    const square = {
      ...base,
      loss: 'square',
      model: { width: 20, scaling: 'ntk', bias: true },
      data: { kind: 'teacher-student', sampleCount: 24, inputDim: 3, teacher: { kind: 'random', width: 2 } },
      optimizer: { learningRate: 0.2 },
      metrics: { every: 15, names: ['loss', ...CURVATURE_METRICS] },
    };
    const gpu = await runExperiment(parseConfig({ ...square, backend: 'gpu' }), { requestGpu: getTestGpu });
    const cpu = await runExperiment(parseConfig({ ...square, backend: 'float64' }), { requestGpu: getTestGpu });
    for (const name of CURVATURE_METRICS.filter((n) => !SHARPNESS_DIAGNOSTICS.includes(n))) {
      // Lanczos stops at a 1e-5 relative residual, Hutchinson uses the same probes on both sides,
      // and K is a float32 Gram; 1e-3 relative covers the three.
      expectClose(gpu.metrics.map((row) => row[name]!), cpu.metrics.map((row) => row[name]!), { abs: 1e-6, rel: 1e-3 }, name);
    }
    expectSharpnessDiagnostics(gpu.metrics, cpu.metrics);
    const [first, last] = [gpu.metrics[0]!, gpu.metrics.at(-1)!];
    expect(first.kernelChange).toBe(0);
    expect(last.kernelChange).toBeGreaterThan(0);
    expect(last.sharpness).toBeGreaterThan(0);
    expect(last.ntkLambdaMin).toBeLessThanOrEqual(last.ntkLambdaMax!);
    expect(last.hessianTrace).toBeGreaterThan(0);
  });

  it('log the exact Hessian trace on both backends, and m times it in particle time (mean-field, logistic; dense check in tests/kernels/hessian-trace)', async () => {
    const config = { ...base, loss: 'logistic', steps: 20, metrics: { every: 10, names: ['loss', 'hessianTrace', 'hessianTraceParticleTime'] } };
    const gpu = await runExperiment(parseConfig({ ...config, backend: 'gpu' }), { requestGpu: getTestGpu });
    const cpu = await runExperiment(parseConfig({ ...config, backend: 'float64' }), { requestGpu: getTestGpu });
    for (const row of [...gpu.metrics, ...cpu.metrics]) {
      expect(row.hessianTrace).toBeGreaterThan(0);
      expect(row.hessianTraceParticleTime).toBeCloseTo(24 * row.hessianTrace!, 12);
    }
    // float32 training over 20 steps, then a positive sum over n x m terms: 1e-4 relative.
    expectClose(gpu.metrics.map((row) => row.hessianTrace!), cpu.metrics.map((row) => row.hessianTrace!), { abs: 1e-9, rel: 1e-4 }, 'hessianTrace');
  });

  it('carry the sharpness diagnostics in every row on both backends, and the particle-time sharpness is m times the sharpness (mean-field)', async () => {
    const meanField = { ...base, steps: 20, metrics: { every: 10, names: ['loss', 'sharpness', 'sharpnessParticleTime'] } };
    const gpu = await runExperiment(parseConfig({ ...meanField, backend: 'gpu' }), { requestGpu: getTestGpu });
    const cpu = await runExperiment(parseConfig({ ...meanField, backend: 'float64' }), { requestGpu: getTestGpu });
    for (const row of [...gpu.metrics, ...cpu.metrics]) {
      // Asked only for the two values; the residual, the flag and the iteration count come along.
      expect(Object.keys(row).sort()).toEqual(['loss', 'sharpness', 'sharpnessConverged', 'sharpnessIterations', 'sharpnessParticleTime', 'sharpnessResidual', 'step']);
      expect(row.sharpnessParticleTime).toBeCloseTo(24 * row.sharpness!, 12);
    }
    expectClose(gpu.metrics.map((row) => row.sharpness!), cpu.metrics.map((row) => row.sharpness!), { abs: 1e-6, rel: 1e-3 }, 'sharpness');
    expectSharpnessDiagnostics(gpu.metrics, cpu.metrics);
  });

  it('agree on every metric, and the particle metrics say what they should', async () => {
    const gpu = await runExperiment(parseConfig({ ...base, backend: 'gpu' }), { requestGpu: getTestGpu });
    const cpu = await runExperiment(parseConfig({ ...base, backend: 'float64' }), { requestGpu: getTestGpu });
    expect(gpu.metrics.map((row) => row.step)).toEqual([0, 10, 20, 30]);
    for (const name of base.metrics.names) {
      const g = gpu.metrics.map((row) => row[name]!);
      const c = cpu.metrics.map((row) => row[name]!);
      // Continuous metrics: float32 training over 30 steps (see the trainer tests) plus reductions.
      // Counts (neurons, clusters) are exact unless a value sits on a threshold, which these seeds avoid.
      expectClose(g, c, { abs: 1e-5, rel: 1e-3 }, name);
    }
    const [first, last] = [gpu.metrics[0]!, gpu.metrics.at(-1)!];
    expect(first.distanceFromInitMax).toBe(0);
    expect(first.maskChangeFraction).toBe(0);
    expect(last.distanceFromInitMax).toBeGreaterThan(0);
    expect(last.distanceFromInitRms).toBeLessThanOrEqual(last.distanceFromInitMax!);
    expect(last.livingNeurons).toBeGreaterThan(0);
    expect(last.livingNeurons).toBeLessThanOrEqual(24);
    expect(last.activatedNeurons).toBeLessThanOrEqual(24);
    expect(last.accuracy).toBeGreaterThan(first.accuracy!);
    expect(Number.isFinite(last.margin)).toBe(true);
  });

  it('W2 to a uniform circle and the energy-dissipation residual, on both backends', async () => {
    const circle = (backend: 'gpu' | 'float64', learningRate: number) =>
      parseConfig({
        steps: 20,
        backend,
        loss: 'square',
        model: { width: 64, scaling: 'mean-field' },
        data: { kind: 'teacher-student', sampleCount: 64, inputDim: 2, teacher: { kind: 'circle' } },
        optimizer: { learningRate },
        metrics: { every: 10, names: ['loss', 'w2ToTarget', 'energyResidual'], w2: { target: { kind: 'uniform-circle' } } },
      });
    const runs = await Promise.all([
      runExperiment(circle('gpu', 0.2), { requestGpu: getTestGpu }),
      runExperiment(circle('float64', 0.2), { requestGpu: getTestGpu }),
    ]);
    const [gpu, cpu] = runs;
    // Exact W2 (64 points: optimal assignment) of float32 against float64 weights.
    expectClose(gpu.metrics.map((r) => r.w2ToTarget!), cpu.metrics.map((r) => r.w2ToTarget!), { abs: 1e-5, rel: 1e-4 }, 'w2ToTarget');
    expect(gpu.metrics[0]!.w2ToTarget).toBeGreaterThan(0);
    // The residual is O(lr): small, and about halved with the step (first-order identity).
    const cpuHalf = await runExperiment(circle('float64', 0.1), { requestGpu: getTestGpu });
    const r1 = cpu.metrics[0]!.energyResidual!;
    const rHalf = cpuHalf.metrics[0]!.energyResidual!;
    expect(Math.abs(r1)).toBeLessThan(0.2);
    expect(Math.abs(rHalf / r1)).toBeGreaterThan(0.35);
    expect(Math.abs(rHalf / r1)).toBeLessThan(0.65);
    expect(gpu.metrics[0]!.energyResidual).toBeCloseTo(r1, 2);
    expect(Number.isNaN(gpu.metrics.at(-1)!.energyResidual)).toBe(true); // no step after the last one
  });
});

/**
 * Both backends converge at every logged step, within one iteration of each other (the same stopping rule on
 * float32 and float64 coefficients); the residuals are not compared value by value (the GPU's is float32
 * rounding, ~1e-6 of the sharpness, the reference's float64), only bounded by the 1e-5 rule plus that floor.
 */
function expectSharpnessDiagnostics(gpu: readonly Record<string, number>[], cpu: readonly Record<string, number>[]): void {
  gpu.forEach((row, i) => {
    const other = cpu[i]!;
    expect([row.sharpnessConverged, other.sharpnessConverged], `converged at step ${row.step}`).toEqual([1, 1]);
    expect(Math.abs(row.sharpnessIterations! - other.sharpnessIterations!), `iterations at step ${row.step}`).toBeLessThanOrEqual(1);
    const scale = Math.abs(other.sharpness ?? other.sharpnessParticleTime!);
    expect(row.sharpnessResidual!).toBeLessThan(1e-4 * scale);
    expect(other.sharpnessResidual!).toBeLessThan(2e-5 * scale);
  });
}

describe('evaluation on the GPU', () => {
  it('queues the train pass, the test pass and every read at the call: steps queued right after it do not change the row', async () => {
    const config = parseConfig({
      steps: 40,
      model: { width: 16, scaling: 'ntk' },
      data: { kind: 'teacher-student', sampleCount: 24, testCount: 8, inputDim: 3, teacher: { kind: 'random', width: 2 } },
      optimizer: { learningRate: 0.2 },
      metrics: { every: 10, names: ['loss', 'testLoss', 'gradNorm'] },
    });
    const simulation = await (await prepareRun(config)).createSimulation(getTestGpu);
    try {
      const names = ['loss', 'testLoss', 'gradNorm'];
      const [before] = await simulation.evaluate(names);
      const evaluated = simulation.evaluate(names);
      const stepped = simulation.submitSteps(5);
      const [row] = await evaluated;
      await stepped;
      expect(row).toEqual(before);
      // The steps did land: the next row differs.
      const [after] = await simulation.evaluate(names);
      expect(after!.testLoss).not.toBe(before!.testLoss);
    } finally {
      simulation.destroy();
    }
  });
});
