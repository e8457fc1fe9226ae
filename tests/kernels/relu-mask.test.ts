import { describe, expect, it } from 'vitest';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { KernelArgumentError } from '../../src/core/errors';
import * as reference from '../../src/float64/relu-mask';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { reluBackward, reluForward } from '../helpers/kernel-arrays/relu-mask';
import { expectClose, testValues } from '../helpers/tolerance';

// ReLU and masking are exact in float32 (a copy, a compare and a multiply by 0 or 1): tolerance zero.
const EXACT = { abs: 0, rel: 0 };

describe('relu-mask', () => {
  const sizes = [1, 7, ELEMENTWISE_WORKGROUP_SIZE - 1, ELEMENTWISE_WORKGROUP_SIZE + 1, 1000];

  it.each(sizes)('forward and mask match the reference for %i elements', async (n) => {
    const z = testValues(n, n);
    if (n > 2) z[1] = 0; // sigma'(0) := 0
    const { activation, mask } = await onGpu('relu forward', (gpu) => reluForward(gpu, z));
    const expected = reference.reluForward(z);
    expectClose(activation, expected.activation, EXACT, 'activation');
    expectClose(mask, expected.mask, EXACT, 'mask');
  });

  it.each(sizes)('backward matches the reference for %i elements', async (n) => {
    const dh = testValues(n, 3 * n);
    const mask = reference.reluForward(testValues(n, 5 * n)).mask;
    const result = await onGpu('relu backward', (gpu) => reluBackward(gpu, dh, new Float32Array(mask)));
    expectClose(result, reference.reluBackward(dh, mask), EXACT, 'pre-activation gradient');
  });

  it('handles more elements than one dispatch dimension can cover', async () => {
    const gpu = await getTestGpu();
    const n = gpu.device.limits.maxComputeWorkgroupsPerDimension * ELEMENTWISE_WORKGROUP_SIZE + 3;
    const z = testValues(n, 11);
    const { activation, mask } = await onGpu('relu forward past the dispatch limit', (g) => reluForward(g, z));
    const expected = reference.reluForward(z);
    expectClose(activation, expected.activation, EXACT, 'activation');
    expectClose(mask, expected.mask, EXACT, 'mask');
  });

  it('rejects bad input before dispatching', async () => {
    const gpu = await getTestGpu();
    await expect(reluForward(gpu, new Float32Array(0))).rejects.toThrow(KernelArgumentError);
    await expect(reluForward(gpu, new Float32Array([1, NaN]))).rejects.toThrow(/preActivation.*NaN at index 1/);
    await expect(reluBackward(gpu, new Float32Array(3), new Float32Array(2))).rejects.toThrow(/mask.*2 elements, expected 3/);
  });
});
