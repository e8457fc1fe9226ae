import { describe, expect, it } from 'vitest';
import { KernelArgumentError } from '../../src/core/errors';
import { createStorageBuffer } from '../../src/gpu/buffers';
import { bindMatmul, matmulFlops, matmulVariant, matmulWorkgroupCount, type MatmulShape } from '../../src/kernels/matmul';
import { type MatmulAlgorithm } from '../../src/core/matmul-algorithms';
import * as reference from '../../src/float64/matmul';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { matmul } from '../helpers/kernel-arrays/matmul';
import { expectClose, reductionTolerance, testValues } from '../helpers/tolerance';

// Each C element is a sequential float32 sum of K products of inputs in [-1, 1), so terms are at
// most 1 (termScale 1). With random signs the partial sums grow like sqrt(t) and the accumulated
// rounding is about eps * K / sqrt(2), inside reductionTolerance's 8 sqrt(K) eps for K <= 128
// (the largest K here is 65). The bias adds one more term of magnitude < 1: K + 1 terms.
const tolerance = (k: number, biasTerms = 0) => reductionTolerance(k + biasTerms, 1);

const ALGORITHMS: readonly MatmulAlgorithm[] = ['register', 'register8', 'tiled'];
const TRANSPOSES = [
  { transA: false, transB: false },
  { transA: false, transB: true },
  { transA: true, transB: false },
  { transA: true, transB: true },
] as const;
// M x N x K: one element; primes; just past the tiled (16), register (32) and register8 (64) output tiles, batched.
const SHAPES: readonly MatmulShape[] = [
  { batch: 1, m: 1, n: 1, k: 1 },
  { batch: 1, m: 7, n: 13, k: 5 },
  { batch: 3, m: 17, n: 33, k: 9 },
  { batch: 3, m: 33, n: 17, k: 65 },
  { batch: 2, m: 65, n: 67, k: 3 },
];

const text = (s: MatmulShape) => `${s.batch} x ${s.m}x${s.n}x${s.k}`;

function operands(shape: MatmulShape, seed: number) {
  const { batch, m, n, k } = shape;
  return { a: testValues(batch * m * k, seed), b: testValues(batch * k * n, seed + 101), bias: testValues(n, seed + 202) };
}

describe('matmul', () => {
  for (const algorithm of ALGORITHMS) {
    for (const { transA, transB } of TRANSPOSES) {
      it.each(SHAPES.map((s) => [text(s), s] as const))(`${algorithm} transA=${transA} transB=${transB}: %s`, async (_, shape) => {
        const { a, b } = operands(shape, shape.m * 31 + shape.k);
        const options = { algorithm, transA, transB };
        const result = await onGpu(`matmul ${algorithm}`, (gpu) => matmul(gpu, a, b, shape, options));
        expectClose(result, reference.matmul(a, b, shape, options), tolerance(shape.k), 'C');
      });
    }

    it.each(['relu', 'bias-relu'] as const)(`${algorithm} fused %s epilogue (H = relu(X W^T + b))`, async (epilogue) => {
      // The hidden-layer use: X [n x d] times W [m x d] transposed, plus one bias per neuron (column).
      const shape = { batch: 2, m: 19, n: 35, k: 11 };
      const { a, b, bias } = operands(shape, 7);
      const options = { algorithm, transB: true, epilogue, ...(epilogue === 'bias-relu' ? { bias } : {}) };
      const result = await onGpu(`matmul ${algorithm} ${epilogue}`, (gpu) => matmul(gpu, a, b, shape, options));
      const expected = reference.matmul(a, b, shape, options);
      expect(expected.some((v) => v === 0) && expected.some((v) => v > 0), 'ReLU both clips and passes').toBe(true);
      expectClose(result, expected, tolerance(shape.k, epilogue === 'bias-relu' ? 1 : 0), 'H');
    });

    // The first-layer gradient dL/dW = D^T X with D = s g a^T .* 1[H > 0] read from H: op(A) = H^T [M x K]
    // stored K x M (transA), and also untransposed, on shapes past each tile, batched, and 1 x 1.
    it.each([
      [true, { batch: 1, m: 1, n: 1, k: 1 }],
      [true, { batch: 2, m: 67, n: 33, k: 19 }],
      [false, { batch: 3, m: 17, n: 5, k: 65 }],
    ] as const)(`${algorithm} 'relu-grad' operand (dL/dW from H, g, a), transA=%s: %o`, async (transA, shape) => {
      const { a, b } = operands(shape, shape.m + 5 * shape.k);
      const gate = testValues(shape.batch * shape.k, 303);
      const rowScale = testValues(shape.batch * shape.m, 404);
      const scale = testValues(shape.batch, 505);
      const options = { algorithm, transA, operandA: 'relu-grad' as const, gate, rowScale, scale };
      const result = await onGpu(`matmul ${algorithm} relu-grad`, (gpu) => matmul(gpu, a, b, shape, options));
      const expected = reference.matmul(a, b, shape, { transA, reluGrad: { gate, rowScale, scale } });
      // Roughly half of H is clipped: a gated operand that ignored the mask would differ from its twin.
      const ungated = reference.matmul(a, b, shape, { transA });
      expect(expected.some((v, i) => Math.abs(v - ungated[i]!) > 1e-3)).toBe(true);
      // Two more rounded factors (scale, u) on each sum, both of magnitude < 1.
      expectClose(result, expected, tolerance(shape.k, 2), 'dL/dW');
    });
  }

  // Only the default 'register' algorithm runs past the limit: both algorithms share the header's
  // workgroup-to-tile map and guard, and SwiftShader spends about 0.5 ms per 256-thread workgroup
  // with barriers, so 70000 'tiled' workgroups would take over half a minute.
  it('handles more workgroups than one dispatch dimension (batch 70000 of 1x2 * 2x1)', async () => {
    const gpu = await getTestGpu();
    const shape = { batch: 70_000, m: 1, n: 1, k: 2 };
    expect(matmulWorkgroupCount('register', shape)).toBeGreaterThan(gpu.device.limits.maxComputeWorkgroupsPerDimension);
    const { a, b } = operands(shape, 3);
    const result = await onGpu('matmul past the dispatch limit', (g) => matmul(g, a, b, shape));
    expectClose(result, reference.matmul(a, b, shape), tolerance(shape.k), 'C');
  });

  it('counts 2 * batch * M * N * K floating-point operations', () => {
    expect(matmulFlops({ batch: 3, m: 7, n: 13, k: 5 })).toBe(2 * 3 * 7 * 13 * 5);
  });

  it('rejects bad input before dispatching, naming the argument', async () => {
    const gpu = await getTestGpu();
    const shape = { batch: 1, m: 2, n: 3, k: 4 };
    const { a, b, bias } = operands(shape, 5);
    await expect(matmul(gpu, a.subarray(1), b, shape)).rejects.toThrow(/'a' has 7 elements, expected 8/);
    await expect(matmul(gpu, a, b.subarray(1), shape, { transB: true })).rejects.toThrow(/'b' has 11 elements, expected 12 .*transB/);
    await expect(matmul(gpu, a, b, { ...shape, m: 0 })).rejects.toThrow(/'shape.m' must be a positive integer, got 0/);
    await expect(matmul(gpu, a, b, { ...shape, batch: 1.5 })).rejects.toThrow(KernelArgumentError);
    const withNaN = b.slice();
    withNaN[5] = NaN;
    await expect(matmul(gpu, a, withNaN, shape)).rejects.toThrow(/'b' contains NaN at index 5/);
    const withInfinity = a.slice();
    withInfinity[0] = Infinity;
    await expect(matmul(gpu, withInfinity, b, shape)).rejects.toThrow(/'a' contains Infinity at index 0/);
    await expect(matmul(gpu, a, b, shape, { epilogue: 'bias-relu', bias: bias.subarray(1) })).rejects.toThrow(
      /'bias' has 2 elements, expected 3/,
    );
    await expect(matmul(gpu, a, b, shape, { epilogue: 'bias-relu' })).rejects.toThrow(/'bias' is required/);
    await expect(matmul(gpu, a, b, shape, { epilogue: 'relu', bias })).rejects.toThrow(/'bias' is only used by the 'bias-relu'/);
    const gate = testValues(4, 1);
    const rowScale = testValues(2, 2);
    const scale = new Float32Array([0.5]);
    await expect(matmul(gpu, a, b, shape, { operandA: 'relu-grad', rowScale, scale })).rejects.toThrow(/'gate' is required by the 'relu-grad' operand/);
    await expect(matmul(gpu, a, b, shape, { gate, rowScale, scale })).rejects.toThrow(/'gate' is only used by the 'relu-grad' operand/);
    await expect(matmul(gpu, a, b, shape, { operandA: 'relu-grad', gate: gate.subarray(1), rowScale, scale })).rejects.toThrow(/'gate' has 3 elements, expected 4/);
    await expect(matmul(gpu, a, b, shape, { operandA: 'relu-grad', gate, rowScale, scale, epilogue: 'relu' })).rejects.toThrow(/'epilogue' must be 'none'/);
    await expect(matmul(gpu, a, b, shape, { operandA: 'relu-grad', gate, rowScale, scale: new Float32Array([Infinity]) })).rejects.toThrow(/'scale' contains Infinity/);
  });

  it('rejects shapes over the storage binding limit without allocating them', async () => {
    const gpu = await getTestGpu();
    const limit = Math.min(gpu.device.limits.maxStorageBufferBindingSize, gpu.device.limits.maxBufferSize);
    // A alone would need limit + 4 bytes; only the tiny arrays below exist.
    const huge = { batch: 1, m: Math.floor(limit / 4) + 1, n: 1, k: 1 };
    const tiny = new Float32Array(1);
    await expect(matmul(gpu, tiny, tiny, huge)).rejects.toThrow(/'a' needs \d+ bytes, over this device's storage binding limit/);
    const buffers = { a: createStorageBuffer(gpu, 'test/a', 4), b: createStorageBuffer(gpu, 'test/b', 4), c: createStorageBuffer(gpu, 'test/c', 4) };
    try {
      await expect(async () => bindMatmul(gpu, matmulVariant(), huge, buffers)).rejects.toThrow(/storage binding limit/);
      // A buffer smaller than its shape is named too.
      await expect(async () => bindMatmul(gpu, matmulVariant(), { batch: 1, m: 1, n: 2, k: 1 }, buffers)).rejects.toThrow(
        /'b' buffer holds 4 bytes, the shape needs 8/,
      );
    } finally {
      Object.values(buffers).forEach((buffer) => buffer.destroy());
    }
  });
});
