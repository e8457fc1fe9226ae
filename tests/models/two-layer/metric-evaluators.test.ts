/**
 * The two-layer evaluator table through evaluateTwoLayerMetrics: rows laid out as each backend has always
 * written them, diagnostics riding along, and each shared computation run once per evaluation.
 */
import { describe, expect, it } from 'vitest';
import { ROW_STAGES, evaluateTwoLayerMetrics, needsGradient, needsInitial, rowOrder } from '../../../src/models/two-layer/evaluate-metrics';
import { TWO_LAYER_STAGES } from '../../../src/models/two-layer/metric-evaluators';
import type { ParticleMetrics } from '../../../src/metrics/particles';
import { metricSourceOf } from '../../helpers/metric-source';

const train = { X: new Float32Array([1, 0, 0, 1]), y: new Float32Array([1, -1]) };

describe('two-layer metric evaluation', () => {
  it('lists every stage once on each backend', () => {
    for (const stages of Object.values(ROW_STAGES)) expect([...stages].sort()).toEqual([...TWO_LAYER_STAGES].sort());
  });

  it('lays a row out stage by stage in each backend\'s historical order, particle metrics as asked, the rest as declared', () => {
    const names = ['nonUniformity', 'sharpness', 'pathNorm', 'livingNeurons', 'activatedOnNegative', 'margin', 'w2ToTarget', 'energyResidual', 'testLoss', 'accuracy', 'loss'];
    const curvature = ['sharpness', 'sharpnessResidual', 'sharpnessConverged', 'sharpnessIterations', 'nonUniformity'];
    expect(rowOrder(names, 'gpu')).toEqual(['loss', 'accuracy', 'energyResidual', 'testLoss', 'pathNorm', 'livingNeurons', 'margin', 'activatedOnNegative', 'w2ToTarget', ...curvature]);
    expect(rowOrder(names, 'float64')).toEqual(['loss', 'accuracy', 'testLoss', 'energyResidual', 'w2ToTarget', 'pathNorm', 'livingNeurons', 'margin', 'activatedOnNegative', ...curvature]);
    // Another kind's metrics are not two-layer metrics: left out.
    expect(rowOrder(['meanValue', 'logLoss', 'loss'], 'gpu')).toEqual(['loss']);
  });

  it('says what a simulation must keep from initialisation and when the train pass needs the gradient', () => {
    expect(needsInitial(['loss', 'maskChangeFraction'], 'activations')).toBe(true);
    expect(needsInitial(['loss', 'livingNeurons'], 'activations')).toBe(false);
    expect(needsInitial(['kernelChange'], 'gram')).toBe(true);
    expect(needsInitial(['ntkLambdaMin'], 'gram')).toBe(false);
    expect(needsGradient(['loss', 'energyResidual'])).toBe(true);
    expect(needsGradient(['loss', 'accuracy'])).toBe(false);
  });

  it('runs each shared computation once, logs the sharpness diagnostics, and keeps energyResidual\'s ingredient under its own key', async () => {
    const calls: Record<string, number> = {};
    const counted = <T>(name: string, value: T) => async () => {
      calls[name] = (calls[name] ?? 0) + 1;
      return value;
    };
    const particles = { maxDisplacement: 0.5, rmsDisplacement: 0.25, pathNorm: 2, livingCount: 3, clusterCount: 1 } as ParticleMetrics;
    const source = metricSourceOf({
      settings: { width: 4, inputDim: 2, scaling: 'mean-field', trainable: 'both' },
      train,
      learningRate: 0.5,
      trainFit: counted('trainFit', { loss: 0.3, accuracy: 1 }),
      gradients: counted('gradients', { gradA: [1, 0, 0, 0], gradW: [0, 0, 0, 0, 0, 0, 0, 0] }),
      particles: async (withActivations) => {
        calls.particles = (calls.particles ?? 0) + 1;
        expect(withActivations).toBe(false);
        return particles;
      },
      sharpness: counted('sharpness', { sharpness: 3, residual: 1e-7, converged: true, iterations: 12 }),
      gram: counted('gram', [2, 0, 0, 1]),
    });
    const values = await evaluateTwoLayerMetrics(
      ['loss', 'accuracy', 'gradNorm', 'energyResidual', 'pathNorm', 'livingNeurons', 'sharpnessParticleTime', 'ntkLambdaMin', 'ntkLambdaMax'],
      source,
      'gpu',
    );
    expect(Object.keys(values)).toEqual([
      'loss', 'accuracy', 'gradNorm', 'predictedDecrease', 'pathNorm', 'livingNeurons',
      'sharpnessParticleTime', 'sharpnessResidual', 'sharpnessConverged', 'sharpnessIterations', 'ntkLambdaMin', 'ntkLambdaMax',
    ]);
    expect(calls).toEqual({ trainFit: 1, gradients: 1, particles: 1, sharpness: 1, gram: 1 });
    // factor m = 4 for mean-field: the particle-time sharpness is 4 * 3.
    expect(values).toMatchObject({ loss: 0.3, gradNorm: 1, livingNeurons: 3, sharpnessParticleTime: 12, sharpnessConverged: 1, sharpnessIterations: 12, ntkLambdaMin: 1, ntkLambdaMax: 2 });
    // lr (c_a |g_a|^2 + c_w |g_w|^2) with mean-field's step scales c = m: 0.5 * 4 * 1.
    expect(values.predictedDecrease).toBeCloseTo(2, 12);
  });

  it('gives NaN for the square-loss noise metrics under another loss and for the margin of a centered model, without computing them', async () => {
    const source = metricSourceOf({ settings: { loss: 'logistic', centered: true }, train });
    expect(await evaluateTwoLayerMetrics(['sgdAlignment', 'nonUniformity', 'margin'], source, 'float64')).toEqual({ margin: NaN, sgdAlignment: NaN, nonUniformity: NaN });
  });
});
