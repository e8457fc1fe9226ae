import { describe, expect, it } from 'vitest';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { KernelArgumentError } from '../../src/core/errors';
import { createStorageBuffer } from '../../src/gpu/buffers';
import { bindNtkCombine, bindNtkMaskedScale } from '../../src/kernels/ntk';
import { computeNtkGram, ntkSpectrum } from '../../src/metrics/ntk';
import { SCALINGS, type TrainableParts } from '../../src/core/conventions';
import * as ntk from '../../src/float64/ntk';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { reductionTolerance } from '../helpers/tolerance';
import { gpuConfig, makeCurvatureProblem, type CurvatureProblem } from '../metrics/curvature-problems';

/** n > ELEMENTWISE_WORKGROUP_SIZE / 8 so n^2 spans several workgroups; m and d odd. */
const SHAPE = { sampleCount: 11, width: ELEMENTWISE_WORKGROUP_SIZE + 5, inputDim: 3 };

/**
 * Entry bound: the matmul formulation sums the same products as grad f_i . grad f_k, so its float32
 * error is at most (rounding factor) x (|J| |J|^T)_ik, the sum of |terms| (J the per-sample gradients).
 * The longest chain is a sum over m (H H^T, Ma Ma^T) times one over d (X X^T): reductionTolerance(m + d).
 */
function entryBounds(problem: CurvatureProblem): Float64Array {
  const { sampleCount: n } = problem.spec;
  const jacobian = ntk.outputJacobian(problem.params, problem.X, n, problem.options).map(Math.abs);
  const factor = reductionTolerance(problem.spec.width + problem.spec.inputDim).rel;
  return ntk.gramFromJacobian(jacobian, n).map((magnitude) => factor * magnitude);
}

async function checkAgainstTwin(problem: CurvatureProblem): Promise<void> {
  const { sampleCount: n } = problem.spec;
  const K = await onGpu('ntk gram', (gpu) => computeNtkGram(gpu, gpuConfig(problem), problem.weights, problem.data.X));
  const expected = ntk.ntkGram(problem.params, problem.X, n, problem.options);
  const bounds = entryBounds(problem);
  const report: string[] = [];
  let frobenius = 0;
  for (let e = 0; e < n * n && report.length < 5; e++) {
    const error = Math.abs(K[e]! - expected[e]!);
    frobenius += error ** 2;
    if (!(error <= bounds[e]!)) report.push(`[${Math.floor(e / n)}, ${e % n}] ${K[e]} vs ${expected[e]} (bound ${bounds[e]})`);
  }
  expect(report, 'first mismatches').toEqual([]);
  // Eigenvalues move by at most |K_gpu - K|_2 <= |K_gpu - K|_F (Weyl).
  const gpuSpectrum = ntkSpectrum(K, n);
  const twinSpectrum = ntkSpectrum(expected, n);
  const shift = Math.sqrt(frobenius) + 1e-12 * twinSpectrum.lambdaMax;
  expect(Math.abs(gpuSpectrum.lambdaMax - twinSpectrum.lambdaMax)).toBeLessThanOrEqual(shift);
  expect(Math.abs(gpuSpectrum.lambdaMin - twinSpectrum.lambdaMin)).toBeLessThanOrEqual(shift);
}

describe('ntk: Gram matrix on the GPU against per-sample gradients in float64', () => {
  const cases = SCALINGS.flatMap((scaling) => [true, false].map((hasBias) => [scaling, hasBias] as const));
  it.each(cases)('%s scaling, bias %s', async (scaling, hasBias) => {
    await checkAgainstTwin(makeCurvatureProblem({ ...SHAPE, loss: 'square', scaling, hasBias, seed: 3, kinkMargin: 1e-4 }));
  });

  it.each(['first', 'second'] as TrainableParts[])('keeps only the trainable parts (%s)', async (trainable) => {
    await checkAgainstTwin(makeCurvatureProblem({ ...SHAPE, loss: 'square', scaling: 'ntk', hasBias: true, trainable, seed: 5, kinkMargin: 1e-4 }));
  });

  it('K^(a) + K^(w) + K^(b) = K (the parts add up)', async () => {
    const problem = makeCurvatureProblem({ ...SHAPE, loss: 'square', scaling: 'standard', hasBias: true, seed: 7, kinkMargin: 1e-4 });
    const config = gpuConfig(problem);
    const [full, second, first] = await onGpu('ntk parts', async (gpu) => [
      await computeNtkGram(gpu, config, problem.weights, problem.data.X),
      await computeNtkGram(gpu, { ...config, trainable: 'second' }, problem.weights, problem.data.X),
      await computeNtkGram(gpu, { ...config, trainable: 'first' }, problem.weights, problem.data.X),
    ]);
    const bounds = entryBounds(problem);
    full.forEach((value, e) => expect(Math.abs(value - second[e]! - first[e]!)).toBeLessThanOrEqual(2 * bounds[e]!));
  });
});

describe('ntk: argument checks before dispatch', () => {
  it('rejects bad shapes, inputs and buffers', async () => {
    const gpu = await getTestGpu();
    const problem = makeCurvatureProblem({ ...SHAPE, loss: 'square', scaling: 'ntk', hasBias: false, seed: 3 });
    const config = gpuConfig(problem);
    await expect(computeNtkGram(gpu, { ...config, sampleCount: 0 }, problem.weights, problem.data.X)).rejects.toThrow(KernelArgumentError);
    await expect(computeNtkGram(gpu, config, problem.weights, problem.data.X.subarray(1))).rejects.toThrow(/X.*elements, expected/);
    await expect(computeNtkGram(gpu, config, { ...problem.weights, a: problem.weights.a.map(() => NaN) }, problem.data.X)).rejects.toThrow(/weights\.a.*NaN/);
    await expect(computeNtkGram(gpu, { ...config, hasBias: true }, problem.weights, problem.data.X)).rejects.toThrow(/weights\.b.*required/);
    await expect(computeNtkGram(gpu, { ...config, alpha: Infinity }, problem.weights, problem.data.X)).rejects.toThrow(/alpha/);
    const small = createStorageBuffer(gpu, 'tiny', 4);
    const shape = { sampleCount: 3, width: 2, scaling: 'ntk' as const };
    await expect(bindNtkMaskedScale(gpu, shape, { features: small, a: small })).rejects.toThrow(/features.*holds 4 bytes/);
    await expect(bindNtkCombine(gpu, shape, 'both', false, { featureProducts: small, inputGram: small, gram: small })).rejects.toThrow(/featureProducts/);
    small.destroy();
  });
});
