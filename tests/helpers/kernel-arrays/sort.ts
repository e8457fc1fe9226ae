/** Array-in/array-out run of the bitonic sort (src/kernels/sort.ts) for tests: pad, sort and read back in one submit. */
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { runKernels, type BoundKernel } from '../../../src/gpu/kernel';
import { checkFinite, checkLength } from '../../../src/gpu/validate';
import { bindBitonicStages, bindPadRows, checkSortShape, type SortShape } from '../../../src/kernels/sort';

/**
 * Sorts each of `rowCount` rows of `values` ([rows x length], row-major) ascending on the GPU and
 * returns them in the same layout.
 */
export async function sortRows(gpu: GpuContext, values: Float32Array, shape: SortShape = { rowCount: 1, length: values.length }): Promise<Float32Array> {
  const name = 'sort/sortRows';
  const padded = checkSortShape(gpu, name, shape);
  checkLength(name, 'values', values, shape.rowCount * shape.length, `[${shape.rowCount} x ${shape.length}]`);
  checkFinite(name, 'values', values);
  const source = createStorageBuffer(gpu, `${name}/source`, values);
  const keys = createStorageBuffer(gpu, `${name}/keys`, shape.rowCount * padded * 4);
  const kernels: BoundKernel[] = [];
  try {
    kernels.push(await bindPadRows(gpu, shape, { source, keys }));
    kernels.push(...(await bindBitonicStages(gpu, shape, keys)));
    await runKernels(gpu, name, kernels);
    const sortedPadded = await readFloat32(gpu, keys, shape.rowCount * padded);
    const sorted = new Float32Array(shape.rowCount * shape.length);
    for (let row = 0; row < shape.rowCount; row++) {
      sorted.set(sortedPadded.subarray(row * padded, row * padded + shape.length), row * shape.length);
    }
    return sorted;
  } finally {
    kernels.forEach((kernel) => kernel.destroy());
    source.destroy();
    keys.destroy();
  }
}
