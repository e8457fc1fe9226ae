import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema';
import { curvatureUnits, unconvergedSharpness, unconvergedSharpnessWarning } from '../../src/run/curvature-report';
import { resultJson } from '../../src/run/result-format';
import type { ExperimentResult } from '../../src/run/run-experiment';
import { findPreset } from '../../src/experiments/presets';

const row = (step: number, converged: boolean) => ({
  step, loss: 1, sharpness: 0.5 + step, sharpnessResidual: converged ? 1e-7 : 3e-3, sharpnessConverged: converged ? 1 : 0, sharpnessIterations: converged ? 9 : 100,
});

describe('curvature report', () => {
  it('states units with the particle-time factor, only for the curvature metrics a two-layer run logs', () => {
    const ntk = curvatureUnits(parseConfig({ model: { width: 64, scaling: 'ntk' }, metrics: { names: ['loss', 'hessianTrace', 'hessianTraceParticleTime'] } }))!;
    expect(ntk.particleTimeFactor).toBe(1);
    expect(Object.keys(ntk.metrics)).toEqual(['hessianTrace', 'hessianTraceParticleTime']);
    expect(ntk.metrics.hessianTrace).toMatch(/^parameter units.*Tr\(H\), exact/);
    expect(ntk.metrics.hessianTraceParticleTime).toMatch(/1 \* Tr\(H\), factor 1 \(not mean-field\): equal to parameter units, exact/);
    const meanField = curvatureUnits(parseConfig({ model: { width: 64 }, metrics: { names: ['sharpness'], lanczos: { maxIterations: 40 } } }))!;
    expect(meanField.particleTimeFactor).toBe(64);
    // The diagnostics come with any sharpness metric, and the cap stated is the configured one.
    expect(Object.keys(meanField.metrics)).toEqual(['sharpness', 'sharpnessResidual', 'sharpnessConverged', 'sharpnessIterations']);
    expect(meanField.metrics.sharpness).toMatch(/learningRate \* 64 \* sharpness < 2/);
    expect(meanField.metrics.sharpnessConverged).toMatch(/cap of 40 iterations/);
    // The batch sharpness is in particle time too, and its standard error comes with it.
    const batch = curvatureUnits(parseConfig({ model: { width: 64 }, optimizer: { batchSize: 8 }, metrics: { names: ['batchSharpness'] } }))!;
    expect(Object.keys(batch.metrics)).toEqual(['batchSharpness', 'batchSharpnessStandardError']);
    expect(batch.metrics.batchSharpness).toMatch(/64 \* E_B\[g_B\^T H_B g_B \/ \|g_B\|\^2\]/);
    expect(curvatureUnits(parseConfig({ metrics: { names: ['loss'] } }))).toBeUndefined();
    expect(curvatureUnits(parseConfig(findPreset('sgd-escape')!.config))).toBeUndefined();
  });

  it('names the unconverged steps (five, then a count) and counts them in result.json', () => {
    const rows = [row(0, true), ...Array.from({ length: 7 }, (_, i) => row(10 * (i + 1), false))];
    expect(unconvergedSharpness(rows).map((entry) => entry.step)).toEqual([10, 20, 30, 40, 50, 60, 70]);
    const warning = unconvergedSharpnessWarning(rows)!;
    expect(warning).toMatch(/^warning: the sharpness did not converge at 7 of 8 logged steps/);
    expect(warning).toMatch(/step 10: 10\.5000 \(not converged: residual 3\.00e-3 after 100 Lanczos iterations\)/);
    expect(warning).toMatch(/step 50: .*; and 2 more\. Raise metrics\.lanczos\.maxIterations/);
    expect(unconvergedSharpnessWarning(rows.slice(0, 1))).toBeUndefined();
    const config = parseConfig({ model: { width: 8 }, metrics: { names: ['loss', 'sharpness'] } });
    const summary = { backend: 'float64', device: 'cpu', stepsTaken: 70, finalLoss: 1, diverged: false, status: 'completed', wallSeconds: 1, stepsPerSecond: 70, events: [] };
    const result: ExperimentResult = { config, metrics: rows, stepLosses: [], summary };
    const json = JSON.parse(resultJson(result));
    expect(json.summary.sharpnessUnconverged).toBe(7);
    expect(json.summary.status).toBe('completed');
    expect(json.metricUnits.particleTimeFactor).toBe(8);
    // A run without a sharpness metric gets neither.
    const plain = JSON.parse(resultJson({ ...result, config: parseConfig({ metrics: { names: ['loss'] } }), metrics: [{ step: 0, loss: 1 }] }));
    expect(plain.summary.sharpnessUnconverged).toBeUndefined();
    expect(plain.metricUnits).toBeUndefined();
  });
});
