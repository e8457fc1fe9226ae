import { describe, expect, it } from 'vitest';
import { FUNCTION_GRID_PARAMS, FUNCTION_GRID_POINTS_PER_WORKGROUP, functionGridSource } from '../../shaders/function-grid.wgsl';
import { createStorageBuffer, readFloat32 } from '../../src/gpu/buffers';
import { bindKernel, runKernels } from '../../src/gpu/kernel';
import { getTestGpu } from '../helpers/gpu';
import { expectClose, F32_EPSILON, testValues } from '../helpers/tolerance';

interface GridCase {
  readonly name: string;
  readonly m: number;
  readonly d: 1 | 2;
  readonly gridX: number;
  readonly bias: boolean;
}

/** The float64 twin: f on the same grid, the input computed as WGSL's mix(x0, x1, t) = x0 (1 - t) + x1 t. */
function referenceGrid(c: GridCase, a: Float32Array, W: Float32Array, b: Float32Array | undefined, scale: number, box: readonly number[]): Float64Array {
  const gridY = c.d === 2 ? c.gridX : 1;
  const [x0, x1, y0, y1] = box as [number, number, number, number];
  const values = new Float64Array(c.gridX * gridY);
  for (let k = 0; k < gridY; k++) {
    for (let i = 0; i < c.gridX; i++) {
      const tx = i / Math.max(c.gridX - 1, 1);
      const ty = k / Math.max(gridY - 1, 1);
      const x = x0 * (1 - tx) + x1 * tx;
      const y = y0 * (1 - ty) + y1 * ty;
      let sum = 0;
      for (let j = 0; j < c.m; j++) {
        const z = W[j * c.d]! * x + (c.d === 2 ? W[j * 2 + 1]! * y : 0) + (b ? b[j]! : 0);
        sum += a[j]! * Math.max(z, 0);
      }
      values[k * c.gridX + i] = scale * sum;
    }
  }
  return values;
}

const CASES: readonly GridCase[] = [
  { name: 'm = 1, a 2 x 2 grid', m: 1, d: 2, gridX: 2, bias: false },
  { name: 'm = 70 (past one tile, not a multiple), 37 x 37 (not a multiple of the block), bias', m: 70, d: 2, gridX: 37, bias: true },
  { name: 'm = 64 (one full tile), 23 x 23 (529: a second workgroup of 17 points)', m: 64, d: 2, gridX: 23, bias: false },
  { name: 'm = 200, 96 x 96 (the app\'s grid: 18 full workgroups), bias', m: 200, d: 2, gridX: 96, bias: true },
  { name: 'd = 1: m = 130, 50 points (one partial workgroup), bias', m: 130, d: 1, gridX: 50, bias: true },
  { name: 'd = 1: m = 3, 513 points (one past a workgroup)', m: 3, d: 1, gridX: 513, bias: false },
  { name: 'm = 0: f = 0', m: 0, d: 2, gridX: 5, bias: false },
];

describe('function_grid (the function view\'s f on a grid) against the float64 twin', () => {
  it.each(CASES)('$name', async (c) => {
    const gpu = await getTestGpu();
    const seed = c.m * 1009 + c.gridX * 7 + c.d;
    const [a, W] = [testValues(c.m, seed), testValues(c.m * c.d, seed + 1)];
    const b = c.bias ? testValues(c.m, seed + 2) : undefined;
    const scale = 1 / Math.max(c.m, 1);
    const box = [-1.5, 2, -2, 1.25];
    const gridY = c.d === 2 ? c.gridX : 1;
    const count = c.gridX * gridY;
    // Buffers are never empty (m = 0 binds 4 bytes); the view binds 4 zero bytes as b when there is none.
    const buffer = (label: string, values: Float32Array | undefined) => createStorageBuffer(gpu, label, values?.length ? values : new Float32Array(4));
    const values = createStorageBuffer(gpu, 'values', count * 4);
    const buffers = [buffer('a', a), buffer('W', W), buffer('b', b), values];
    const params = FUNCTION_GRID_PARAMS.pack({ width: c.m, dim: c.d, grid_x: c.gridX, grid_y: gridY, has_bias: c.bias ? 1 : 0, scale, x0: box[0]!, x1: box[1]!, y0: box[2]!, y1: box[3]! });
    const workgroupCount = Math.ceil(count / FUNCTION_GRID_POINTS_PER_WORKGROUP);
    const kernel = await bindKernel(gpu, { family: 'function-view', entryPoint: 'function_grid', source: functionGridSource, cacheKey: () => 'f32' }, {}, { params, buffers, workgroupCount });
    try {
      await runKernels(gpu, 'function-grid-test', [kernel]);
      const got = await readFloat32(gpu, values, count);
      const expected = referenceGrid(c, a, W, b, scale, box);
      // m float32 terms of size <= |a| (|w| |x| + |b|) <= 1 (2 + 2 + 1), each rounded a few times, summed in order.
      expectClose(got, expected, { abs: 8 * F32_EPSILON * Math.max(c.m, 1) * 5 * scale, rel: 0 }, 'f on the grid');
      if (c.m === 0) expect([...got].every((v) => v === 0)).toBe(true);
    } finally {
      kernel.destroy();
      for (const buffer of buffers) buffer.destroy();
    }
  });
});
