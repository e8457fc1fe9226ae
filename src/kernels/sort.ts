/**
 * Wrappers for shaders/sort.wgsl.ts: a batched ascending bitonic sort of f32 rows of any length,
 * recorded as one pad dispatch plus log2(P) (log2(P) + 1) / 2 stage dispatches (P the padded
 * length), all in one submit. Work: O(rows P log^2 P) compare-exchanges.
 */
import { BITONIC_STEP_PARAMS, PAD_ROWS_PARAMS, bitonicStepSource, padRowsSource, type SortVariant } from '../../shaders/sort.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';

const VARIANT: SortVariant = {};
/** rows * P must stay within u32 index arithmetic with room to spare (and one storage binding). */
const MAX_PADDED_ELEMENTS = 2 ** 31;

export const padRowsKernel: KernelSource<SortVariant> = {
  family: 'sort',
  entryPoint: 'pad_rows',
  source: padRowsSource,
  cacheKey: () => 'f32',
};

export const bitonicStepKernel: KernelSource<SortVariant> = {
  family: 'sort',
  entryPoint: 'bitonic_step',
  source: bitonicStepSource,
  cacheKey: () => 'f32',
};

/** `rowCount` rows of `length` keys each. */
export interface SortShape {
  readonly rowCount: number;
  readonly length: number;
}

/** P: the least power of two >= length (1 for length 1). */
export function paddedLength(length: number): number {
  let padded = 1;
  while (padded < length) padded *= 2;
  return padded;
}

/** The (block, stride) stages of the bitonic network on P keys, in execution order. */
export function bitonicStages(padded: number): { block: number; stride: number }[] {
  const stages: { block: number; stride: number }[] = [];
  for (let block = 2; block <= padded; block *= 2) {
    for (let stride = block / 2; stride >= 1; stride /= 2) stages.push({ block, stride });
  }
  return stages;
}

/** Validates a sort shape (and the padded size against the device) before anything is bound. */
export function checkSortShape(gpu: GpuContext, name: string, shape: SortShape): number {
  checkSize(name, 'rowCount', shape.rowCount);
  checkSize(name, 'length', shape.length);
  const padded = paddedLength(shape.length);
  if (shape.rowCount * padded > MAX_PADDED_ELEMENTS) {
    throw new KernelArgumentError(name, 'rowCount', `${shape.rowCount} rows of padded length ${padded} exceed 2^31 keys; sort in batches`);
  }
  checkBufferSize(gpu, 'keys', shape.rowCount * padded * 4, name);
  return padded;
}

/**
 * pad_rows: keys [rows x P] = source [rows x length] padded with F32_MAX. Bindings: 1 source, 2 keys.
 */
export function bindPadRows(gpu: GpuContext, shape: SortShape, buffers: { readonly source: GPUBuffer; readonly keys: GPUBuffer }): Promise<BoundKernel> {
  const name = 'sort/pad_rows';
  const padded = checkSortShape(gpu, name, shape);
  checkBufferHolds(name, 'source', buffers.source, shape.rowCount * shape.length);
  checkBufferHolds(name, 'keys', buffers.keys, shape.rowCount * padded);
  return bindKernel(gpu, padRowsKernel, VARIANT, {
    params: PAD_ROWS_PARAMS.pack({ row_count: shape.rowCount, length: shape.length, padded_length: padded }),
    buffers: [buffers.source, buffers.keys],
    workgroupCount: Math.ceil((shape.rowCount * padded) / ELEMENTWISE_WORKGROUP_SIZE),
  });
}

/**
 * The bitonic stages that sort every row of an already padded keys buffer [rows x P] in place
 * (ascending). Binding: 1 keys. Encode them in order, after whatever wrote the keys; no stage for P = 1.
 */
export async function bindBitonicStages(gpu: GpuContext, shape: SortShape, keys: GPUBuffer): Promise<BoundKernel[]> {
  const name = 'sort/bitonic_step';
  const padded = checkSortShape(gpu, name, shape);
  checkBufferHolds(name, 'keys', keys, shape.rowCount * padded);
  const workgroupCount = Math.ceil((shape.rowCount * padded) / 2 / ELEMENTWISE_WORKGROUP_SIZE);
  return Promise.all(
    bitonicStages(padded).map(({ block, stride }) =>
      bindKernel(gpu, bitonicStepKernel, VARIANT, {
        params: BITONIC_STEP_PARAMS.pack({ row_count: shape.rowCount, padded_length: padded, block_size: block, stride }),
        buffers: [keys],
        workgroupCount,
      }),
    ),
  );
}
