import { describe, expect, it } from 'vitest';
import { KernelArgumentError } from '../../src/core/errors';
import { bitonicStages, paddedLength } from '../../src/kernels/sort';
import * as reference from '../../src/float64/sort';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { sortRows } from '../helpers/kernel-arrays/sort';
import { expectClose, testValues } from '../helpers/tolerance';

// Sorting permutes its input: the GPU result must equal the CPU sort bit for bit.
const EXACT = { abs: 0, rel: 0 };

describe('sort', () => {
  it('pads to the next power of two and lists the bitonic stages', () => {
    expect([1, 2, 3, 7, 8, 1000, 65537].map(paddedLength)).toEqual([1, 2, 4, 8, 8, 1024, 131072]);
    expect(bitonicStages(1)).toEqual([]);
    expect(bitonicStages(4)).toEqual([
      { block: 2, stride: 1 },
      { block: 4, stride: 2 },
      { block: 4, stride: 1 },
    ]);
    // log2(P) (log2(P) + 1) / 2 stages.
    expect(bitonicStages(2 ** 17)).toHaveLength((17 * 18) / 2);
  });

  it.each([1, 7, 1000, 65537])('sorts %i keys like Array.sort', async (length) => {
    const values = testValues(length, length + 3);
    const sorted = await onGpu(`sort ${length}`, (gpu) => sortRows(gpu, values));
    expectClose(sorted, reference.sortRows(values), EXACT, 'sorted keys');
  });

  it('sorts many rows of an awkward length independently, with ties and extreme values', async () => {
    const rowCount = 5;
    const length = 33;
    const values = testValues(rowCount * length, 17);
    // Ties, a negative zero, and the largest finite float32 (equal to the pad key).
    values[3] = values[4] = values[5] = 0.25;
    values[40] = -0;
    values[41] = 3.4028234663852886e38;
    values[42] = -3.4028234663852886e38;
    const sorted = await onGpu('sort rows', (gpu) => sortRows(gpu, values, { rowCount, length }));
    expectClose(sorted, reference.sortRows(values, rowCount, length), EXACT, 'sorted rows');
  });

  it('rejects bad input before dispatching', async () => {
    const gpu = await getTestGpu();
    await expect(sortRows(gpu, new Float32Array(0))).rejects.toThrow(KernelArgumentError);
    await expect(sortRows(gpu, new Float32Array([1, NaN, 2]))).rejects.toThrow(/values.*NaN at index 1/);
    await expect(sortRows(gpu, new Float32Array(6), { rowCount: 2, length: 4 })).rejects.toThrow(/values.*6 elements, expected 8/);
    await expect(sortRows(gpu, new Float32Array(4), { rowCount: 2 ** 20, length: 2 ** 12 })).rejects.toThrow(/exceed 2\^31 keys/);
  });
});
