import { describe, expect, it } from 'vitest';
import type { TrainableParts } from '../../../src/core/conventions';
import { estimateBatchSharpness, type BatchDraw, type BatchSharpnessEstimate } from '../../../src/float64/batch-sharpness';
import { forward } from '../../../src/float64/two-layer';
import { createStorageBuffer } from '../../../src/gpu/buffers';
import { GpuBatchSharpness } from '../../../src/models/two-layer/gpu-batch-sharpness';
import { getTestGpu, onGpu } from '../../helpers/gpu';
import { ConfigError } from '../../../src/config/errors';
import { parseConfig, type ExperimentConfigInput, type NetworkExperimentConfig } from '../../../src/config/schema';
import { twoLayerFootprint } from '../../../src/models/two-layer/footprint';
import { runExperiment, runRunSet } from '../../../src/run/run-experiment';
import { expectClose } from '../../helpers/tolerance';
import { gpuConfig, makeCurvatureProblem, type CurvatureProblem, type ProblemSpec } from '../../metrics/curvature-problems';

/**
 * GPU batch sharpness against the float64 twin on the same float32 weights, data and batches. Each ratio is
 * g^T H g / |g|^2 of one batch: the float32 gradient and HVP carry ~8 sqrt(B + 2m + d) eps relative error
 * (the HVP tests' bound, ~3e-6 here) and the two dot products ~sqrt(p) eps more, so each ratio is within ~1e-5
 * of lambda-scale; 1e-4 of the largest |ratio| covers it with margin, while a wrong batch, a dropped f0, a lost
 * factor m or an unmasked frozen block moves a ratio by O(1) of that scale.
 */
const RATIO_TOLERANCE = 1e-4;

interface Case {
  readonly label: string;
  readonly spec: ProblemSpec;
  readonly draw: Omit<BatchDraw, 'sampleCount'>;
  readonly centered?: boolean;
}

/** Awkward shapes: one neuron, n off every workgroup multiple, batch 1, batch n, both gradW kernels (d <= 2 and d > 2). */
const CASES: readonly Case[] = [
  { label: 'm = 1, batch 1', spec: { sampleCount: 5, width: 1, inputDim: 3, loss: 'square', scaling: 'ntk', hasBias: true, seed: 11 }, draw: { seed: 3, batchSize: 1, replace: false, batchCount: 5 } },
  {
    label: 'n = 67, B = 10, mean-field logistic, d = 2',
    spec: { sampleCount: 67, width: 13, inputDim: 2, loss: 'logistic', scaling: 'mean-field', hasBias: false, seed: 4 },
    draw: { seed: 8, batchSize: 10, replace: false, batchCount: 4 },
  },
  { label: 'B = n: the whole set, once', spec: { sampleCount: 19, width: 7, inputDim: 5, loss: 'square', scaling: 'standard', hasBias: true, seed: 6 }, draw: { seed: 1, batchSize: 19, replace: false, batchCount: 3 } },
  {
    label: 'B = n with replacement, exponential loss',
    spec: { sampleCount: 11, width: 6, inputDim: 4, loss: 'exponential', scaling: 'ntk', hasBias: false, seed: 9 },
    draw: { seed: 5, batchSize: 11, replace: true, batchCount: 3 },
  },
  {
    label: 'centered, B = 6',
    spec: { sampleCount: 23, width: 9, inputDim: 3, loss: 'logistic', scaling: 'ntk', hasBias: true, seed: 2 },
    draw: { seed: 7, batchSize: 6, replace: false, batchCount: 3 },
    centered: true,
  },
];

const PARTS: readonly TrainableParts[] = ['first', 'second'];

/** Runs the GPU estimator on the problem's float32 arrays (uploaded) and the twin on their float64 copies. */
async function bothBackends(problem: CurvatureProblem, draw: BatchDraw, step: number, centered = false): Promise<{ gpu: BatchSharpnessEstimate; cpu: BatchSharpnessEstimate }> {
  const offset = centered ? Float32Array.from(forward(problem.params, problem.X, problem.spec.sampleCount, problem.options).output, (f) => 0.6 * f) : undefined;
  const options = offset ? { ...problem.options, centered: true, outputOffset: Float64Array.from(offset) } : problem.options;
  const cpu = estimateBatchSharpness(problem.params, problem.X, problem.y, options, draw, step);
  const gpu = await onGpu('batch-sharpness', async (device) => {
    const upload = (label: string, values: Float32Array) => createStorageBuffer(device, `test/${label}`, values);
    const { weights, data } = problem;
    const buffers = {
      data: { X: upload('X', data.X), y: upload('y', data.y), ...(offset ? { outputOffset: upload('f0', offset) } : {}) },
      weights: { a: upload('a', weights.a), W: upload('W', weights.W), ...(weights.b ? { b: upload('b', weights.b) } : {}) },
    };
    const estimator = await GpuBatchSharpness.create(device, { ...gpuConfig(problem), centered }, draw, buffers);
    try {
      return await estimator.estimate(step);
    } finally {
      estimator.destroy();
      for (const buffer of [...Object.values(buffers.data), ...Object.values(buffers.weights)]) buffer.destroy();
    }
  });
  return { gpu, cpu };
}

function expectAgree(gpu: BatchSharpnessEstimate, cpu: BatchSharpnessEstimate, what: string): void {
  // A batch whose gradient is zero (one sample on which the neuron is off) has a NaN ratio on both sides.
  const scale = Math.max(...Array.from(cpu.ratios, Math.abs).filter(Number.isFinite));
  expect(gpu.ratios.length, `${what}: batches`).toBe(cpu.ratios.length);
  expectClose(gpu.ratios, cpu.ratios, { abs: RATIO_TOLERANCE * scale, rel: 0 }, `${what}: ratios`);
  expect(gpu.factor).toBe(cpu.factor);
  expectClose([gpu.batchSharpness, gpu.standardError], [cpu.batchSharpness, cpu.standardError], { abs: RATIO_TOLERANCE * scale * cpu.factor, rel: 0 }, `${what}: mean, standard error`);
}

describe('batch sharpness on the GPU against the float64 twin', () => {
  it.each(CASES)('$label', async ({ spec, draw, centered }) => {
    const problem = makeCurvatureProblem(spec);
    const full = { ...draw, sampleCount: spec.sampleCount };
    const { gpu, cpu } = await bothBackends(problem, full, 12, centered);
    expectAgree(gpu, cpu, spec.loss);
    expect(Number.isFinite(cpu.batchSharpness)).toBe(true);
    if (draw.batchSize === spec.sampleCount && !draw.replace) expect([gpu.ratios.length, gpu.standardError]).toEqual([1, 0]);
    else expect(gpu.ratios.length).toBe(draw.batchCount);
  });

  it.each(PARTS)('restricts g and H to the trainable parameters (trainable %s, with a bias)', async (trainable) => {
    const problem = makeCurvatureProblem({ sampleCount: 17, width: 6, inputDim: 3, loss: 'square', scaling: 'ntk', hasBias: true, trainable, seed: 13 });
    const { gpu, cpu } = await bothBackends(problem, { seed: 2, sampleCount: 17, batchSize: 5, replace: false, batchCount: 3 }, 40);
    expectAgree(gpu, cpu, trainable);
    // The restriction matters: the unrestricted net's ratios are others.
    const both = estimateBatchSharpness(problem.params, problem.X, problem.y, { ...problem.options, trainable: 'both' }, { seed: 2, sampleCount: 17, batchSize: 5, replace: false, batchCount: 3 }, 40);
    expect(Math.abs(both.batchSharpness - cpu.batchSharpness)).toBeGreaterThan(1e-2 * Math.abs(cpu.batchSharpness));
  });

  it('measures the same batches at every call for one step, and others at the next step', async () => {
    const problem = makeCurvatureProblem({ sampleCount: 30, width: 8, inputDim: 3, loss: 'square', scaling: 'ntk', hasBias: false, seed: 21 });
    const draw: BatchDraw = { seed: 1, sampleCount: 30, batchSize: 4, replace: false, batchCount: 4 };
    const [first, again, next] = [await bothBackends(problem, draw, 7), await bothBackends(problem, draw, 7), await bothBackends(problem, draw, 8)];
    expect(Array.from(again.gpu.ratios)).toEqual(Array.from(first.gpu.ratios));
    expect(Array.from(next.cpu.ratios)).not.toEqual(Array.from(first.cpu.ratios));
    expectAgree(next.gpu, next.cpu, 'step 8');
  });
});

describe('batchSharpness in a run', () => {
  const sgd: ExperimentConfigInput = {
    steps: 20,
    stepsPerSubmit: 10,
    loss: 'square',
    model: { width: 10, scaling: 'ntk', bias: true },
    data: { kind: 'teacher-student', sampleCount: 24, inputDim: 3, teacher: { kind: 'random', width: 2 } },
    optimizer: { learningRate: 0.2, batchSize: 5 },
    metrics: { every: 10, names: ['loss', 'batchSharpness'], batchSharpnessBatches: 4 },
  };

  it('logs the same values on both backends, with its standard error beside it', async () => {
    const gpu = await runExperiment(parseConfig({ ...sgd, backend: 'gpu' }), { requestGpu: getTestGpu });
    const cpu = await runExperiment(parseConfig({ ...sgd, backend: 'float64' }), { requestGpu: getTestGpu });
    for (const row of [...gpu.metrics, ...cpu.metrics]) expect(Object.keys(row).sort()).toEqual(['batchSharpness', 'batchSharpnessStandardError', 'loss', 'step']);
    // float32 training over 20 steps (the trainer tests' 1e-4 on losses) plus the ratios above: 1e-3 relative.
    for (const name of ['batchSharpness', 'batchSharpnessStandardError']) {
      expectClose(gpu.metrics.map((row) => row[name]!), cpu.metrics.map((row) => row[name]!), { abs: 1e-6, rel: 1e-3 }, name);
    }
    // Each evaluation draws fresh batches: the spread is that of 4 different ratios.
    for (const row of cpu.metrics) expect(row.batchSharpnessStandardError).toBeGreaterThan(0);
  });

  it('gives a run-set member the values of the same run alone (the step reaches each member)', async () => {
    const members = await runRunSet([parseConfig(sgd), parseConfig({ ...sgd, optimizer: { learningRate: 0.3, batchSize: 5 } })], { requestGpu: getTestGpu });
    const alone = await runExperiment(parseConfig({ ...sgd, optimizer: { learningRate: 0.3, batchSize: 5 } }), { requestGpu: getTestGpu });
    expect(members[1]!.metrics.map((row) => row.batchSharpness)).toEqual(alone.metrics.map((row) => row.batchSharpness));
  });

  it('is refused for an online run, whose steps draw no batches from the train set', async () => {
    const noGpu = () => Promise.reject(new Error('the config should have been refused first'));
    const error = await runExperiment(parseConfig({ ...sgd, online: true }), { requestGpu: noGpu }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]).toMatch(/^metrics\.names: batchSharpness needs a fixed train set .* but online is true/);
  });

  it('counts its per-batch scratch in the run\'s footprint, sized by the batch, not the train set', () => {
    const config = parseConfig({ ...sgd, metrics: { names: ['batchSharpness'] } }) as NetworkExperimentConfig;
    const scratch = twoLayerFootprint(config).buffers.find((buffer) => buffer.what.startsWith('the batch sharpness\'s activations'));
    expect(scratch).toMatchObject({ space: 'gpu', elementCount: 5 * 10, copies: 4 });
    expect(scratch!.factors.map((factor) => factor.field)).toEqual(['optimizer.batchSize', 'model.width']);
    expect(twoLayerFootprint(parseConfig(sgd) as NetworkExperimentConfig).buffers.some((buffer) => buffer.what.startsWith('the batch sharpness'))).toBe(true);
    expect(twoLayerFootprint(parseConfig({ ...sgd, metrics: { names: ['loss'] } }) as NetworkExperimentConfig).buffers.some((buffer) => buffer.what.startsWith('the batch sharpness'))).toBe(false);
  });

  it('bounds metrics.batchSharpnessBatches to [1, 256]', () => {
    expect(() => parseConfig({ ...sgd, metrics: { names: ['batchSharpness'], batchSharpnessBatches: 0 } })).toThrow(ConfigError);
    expect(() => parseConfig({ ...sgd, metrics: { names: ['batchSharpness'], batchSharpnessBatches: 257 } })).toThrow(ConfigError);
    expect(parseConfig({ ...sgd, metrics: { names: ['batchSharpness'], batchSharpnessBatches: 256 } }).metrics.batchSharpnessBatches).toBe(256);
  });
});
