import { describe, expect, it } from 'vitest';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { LANCZOS_CHUNK } from '../../shaders/lanczos.wgsl';
import { createStorageBuffer, readFloat32 } from '../../src/gpu/buffers';
import type { GpuContext } from '../../src/gpu/device';
import { runKernels } from '../../src/gpu/kernel';
import {
  LANCZOS_STATE_HEADER,
  bindLanczosAccumulate,
  bindLanczosCombine,
  bindLanczosDots,
  bindLanczosNext,
  bindLanczosOrthogonalize,
  bindLanczosScatter,
  bindLanczosTotal,
  lanczosParams,
  lanczosPartialCount,
  lanczosStateLength,
  type LanczosBuffers,
} from '../../src/kernels/lanczos';
import { onGpu } from '../helpers/gpu';
import { expectClose, reductionTolerance, testValues } from '../helpers/tolerance';

/** One Lanczos step by hand, kernel by kernel, against float64 formulas on float32 inputs. */

interface Shape {
  readonly width: number;
  readonly inputDim: number;
  readonly hasBias: boolean;
}

const CAPACITY = 8;
/** Rows of the stored basis in these tests. */
const BASIS_ROWS = 4;

/** Buffers for `shape`: flat vectors current/previous/ritz, the blocks of direction and product, and the state. */
function makeBuffers(gpu: GpuContext, shape: Shape, flat: { current: Float32Array; previous: Float32Array; product: Float32Array; ritz: Float32Array; basis?: Float32Array }, state: Float32Array) {
  const { width: m, inputDim: d, hasBias } = shape;
  const p = flat.current.length;
  const block = (label: string, values: Float32Array, offset: number, count: number) => createStorageBuffer(gpu, label, values.slice(offset, offset + count));
  const buffers = {
    directionA: createStorageBuffer(gpu, 'directionA', m * 4),
    directionW: createStorageBuffer(gpu, 'directionW', m * d * 4),
    ...(hasBias ? { directionB: createStorageBuffer(gpu, 'directionB', m * 4) } : {}),
    productA: block('productA', flat.product, 0, m),
    productW: block('productW', flat.product, m, m * d),
    ...(hasBias ? { productB: block('productB', flat.product, m + m * d, m) } : {}),
    current: createStorageBuffer(gpu, 'current', flat.current),
    previous: createStorageBuffer(gpu, 'previous', flat.previous),
    ritz: createStorageBuffer(gpu, 'ritz', flat.ritz),
    partials: createStorageBuffer(gpu, 'partials', 16 * lanczosPartialCount(p)),
    state: createStorageBuffer(gpu, 'state', state),
    basis: createStorageBuffer(gpu, 'basis', flat.basis ?? new Float32Array(BASIS_ROWS * p)),
  } satisfies LanczosBuffers;
  return buffers;
}

async function readDirection(gpu: GpuContext, shape: Shape, buffers: LanczosBuffers): Promise<Float32Array> {
  const { width: m, inputDim: d } = shape;
  const parts = [await readFloat32(gpu, buffers.directionA!, m), await readFloat32(gpu, buffers.directionW!, m * d)];
  if (buffers.directionB) parts.push(await readFloat32(gpu, buffers.directionB, m));
  const flat = new Float32Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    flat.set(part, offset);
    offset += part.length;
  }
  return flat;
}

const dot = (u: ArrayLike<number>, v: ArrayLike<number>) => Array.from(u).reduce((sum, x, e) => sum + x * v[e]!, 0);

/**
 * Shapes: a bias, sizes off every workgroup multiple, and one vector of more than LANCZOS_CHUNK elements, so
 * the reductions combine several partials.
 */
const SHAPES: [string, Shape][] = [
  ['no bias, p = 12', { width: 3, inputDim: 3, hasBias: false }],
  ['bias, m = 70 (past one elementwise workgroup)', { width: ELEMENTWISE_WORKGROUP_SIZE + 6, inputDim: 5, hasBias: true }],
  ['bias, p > LANCZOS_CHUNK', { width: 300, inputDim: 15, hasBias: true }],
];

describe('lanczos kernels, one step by hand', () => {
  it.each(SHAPES)('alpha, orthogonalize, beta, next, then accumulate and scatter (%s)', async (_, shape) => {
    const p = shape.width * (shape.inputDim + 1) + (shape.hasBias ? shape.width : 0);
    const current = testValues(p, 1);
    const previous = testValues(p, 2);
    const product = testValues(p, 3);
    const ritz = testValues(p, 4);
    // Iteration k = 2: beta_2 (at slot 2k - 1 = 3) from the previous step, Ritz coefficient s_2 at 2 capacity + 2.
    const k = 2;
    const state = new Float32Array(lanczosStateLength(CAPACITY));
    new Uint32Array(state.buffer)[0] = k;
    const betaK = 0.375;
    const sK = -0.625;
    state[LANCZOS_STATE_HEADER + 2 * k - 1] = betaK;
    state[LANCZOS_STATE_HEADER + 2 * CAPACITY + k] = sK;
    const result = await onGpu('lanczos step', async (gpu) => {
      const buffers = makeBuffers(gpu, shape, { current, previous, product, ritz }, state);
      const settings = { capacity: CAPACITY, basisRows: BASIS_ROWS };
      const kernels = [
        await bindLanczosDots(gpu, shape, settings, { ...buffers, vector: buffers.current }),
        await bindLanczosTotal(gpu, shape, { ...settings, mode: 'alpha' }, buffers),
        await bindLanczosAccumulate(gpu, shape, settings, buffers),
        await bindLanczosOrthogonalize(gpu, shape, settings, buffers),
        await bindLanczosTotal(gpu, shape, { ...settings, mode: 'beta' }, buffers),
        await bindLanczosNext(gpu, shape, settings, buffers),
      ];
      const scatter = await bindLanczosScatter(gpu, shape, settings, buffers);
      try {
        await runKernels(gpu, 'lanczos step', kernels);
        const direction = await readDirection(gpu, shape, buffers);
        await runKernels(gpu, 'lanczos scatter', [scatter]);
        const stateOut = await readFloat32(gpu, buffers.state, lanczosStateLength(CAPACITY));
        return {
          count: new Uint32Array(stateOut.buffer)[0],
          alpha: stateOut[LANCZOS_STATE_HEADER + 2 * k]!,
          beta: stateOut[LANCZOS_STATE_HEADER + 2 * k + 1]!,
          current: await readFloat32(gpu, buffers.current, p),
          previous: await readFloat32(gpu, buffers.previous, p),
          ritz: await readFloat32(gpu, buffers.ritz, p),
          direction,
          scattered: await readDirection(gpu, shape, buffers),
          basis: await readFloat32(gpu, buffers.basis, BASIS_ROWS * p),
        };
      } finally {
        [...kernels, scatter].forEach((kernel) => kernel.destroy());
        Object.values(buffers).forEach((buffer) => buffer?.destroy());
      }
    });
    // float64 on the same float32 inputs: alpha = v . w, w' = w - alpha v - beta_k u, beta = |w'|.
    const alpha = dot(current, product);
    const orthogonal = Float64Array.from(product, (w, e) => w - alpha * current[e]! - betaK * previous[e]!);
    const beta = Math.sqrt(dot(orthogonal, orthogonal));
    const sumScale = Array.from(current).reduce((sum, x, e) => sum + Math.abs(x * product[e]!), 0);
    expectClose([result.alpha], [alpha], reductionTolerance(p, sumScale), 'alpha_k');
    // beta and the elements of w' also carry alpha's rounding (times |v_e| <= 1): the same bound, relative to beta.
    expectClose([result.beta], [beta], reductionTolerance(p, beta + sumScale), 'beta_{k+1}');
    expect(result.count).toBe(k + 1);
    const next = Float64Array.from(orthogonal, (x) => x / beta);
    // v_{k+1}_e = w'_e / beta: w'_e carries alpha's error (|v_e| <= 1 times it), and 1 / beta its relative error.
    const elementTolerance = reductionTolerance(p, (sumScale + 2) / beta);
    expectClose(result.current, next, elementTolerance, 'v_{k+1}');
    expectClose(result.direction, next, elementTolerance, 'direction blocks = v_{k+1}');
    expect(Array.from(result.previous)).toEqual(Array.from(current));
    // v_{k+1} is also row k + 1 = 3 of the basis; the other rows are untouched.
    expect(Array.from(result.basis.subarray(3 * p))).toEqual(Array.from(result.current));
    expect(result.basis.subarray(0, 3 * p).every((x) => x === 0)).toBe(true);
    // y += s_k v_k: one fused multiply-add per element.
    expectClose(result.ritz, Float64Array.from(ritz, (y, e) => y + sK * current[e]!), { abs: 4e-7, rel: 4e-7 }, 'y + s_k v_k');
    // lanczos_scatter: the direction blocks take y, bit for bit.
    expect(Array.from(result.scattered)).toEqual(Array.from(result.ritz));
    expect(p > LANCZOS_CHUNK).toBe(shape.width === 300);
  });

  it.each(SHAPES.slice(1))('residual sums (|w - theta y|^2, |y|^2) for the Ritz vector (%s)', async (_, shape) => {
    const p = shape.width * (shape.inputDim + 1) + (shape.hasBias ? shape.width : 0);
    const y = testValues(p, 5);
    const product = testValues(p, 6);
    const theta = 0.8125;
    const sums = await onGpu('lanczos residual', async (gpu) => {
      const buffers = makeBuffers(gpu, shape, { current: y, previous: y, product, ritz: y }, new Float32Array(lanczosStateLength(CAPACITY)));
      const settings = { capacity: CAPACITY };
      const kernels = [
        await bindLanczosDots(gpu, shape, { ...settings, theta }, { ...buffers, vector: buffers.ritz }),
        await bindLanczosTotal(gpu, shape, { ...settings, mode: 'residual' }, buffers),
      ];
      try {
        await runKernels(gpu, 'lanczos residual', kernels);
        return await readFloat32(gpu, buffers.state, LANCZOS_STATE_HEADER);
      } finally {
        kernels.forEach((kernel) => kernel.destroy());
        Object.values(buffers).forEach((buffer) => buffer?.destroy());
      }
    });
    const residual = Array.from(product).reduce((sum, w, e) => sum + (w - theta * y[e]!) ** 2, 0);
    expectClose([sums[2]!, sums[3]!], [residual, dot(y, y)], reductionTolerance(p, residual), 'residual sums');
  });
});

describe('lanczos kernels: the Ritz vector from the stored basis', () => {
  it.each(SHAPES)('lanczos_combine sums s_j v_j over the first k rows, in order (%s)', async (_, shape) => {
    const p = shape.width * (shape.inputDim + 1) + (shape.hasBias ? shape.width : 0);
    const basis = testValues(BASIS_ROWS * p, 7);
    const state = new Float32Array(lanczosStateLength(CAPACITY));
    const s = [0.5, -0.25, 0.75, 3];
    s.forEach((value, j) => (state[LANCZOS_STATE_HEADER + 2 * CAPACITY + j] = value));
    const k = 3;
    const y = await onGpu('lanczos combine', async (gpu) => {
      const zeros = new Float32Array(p);
      const buffers = makeBuffers(gpu, shape, { current: zeros, previous: zeros, product: zeros, ritz: testValues(p, 8), basis }, state);
      const kernel = await bindLanczosCombine(gpu, shape, { capacity: CAPACITY, basisRows: BASIS_ROWS, ritzCount: k }, buffers);
      try {
        await runKernels(gpu, 'lanczos combine', [kernel]);
        return await readFloat32(gpu, buffers.ritz, p);
      } finally {
        kernel.destroy();
        Object.values(buffers).forEach((buffer) => buffer?.destroy());
      }
    });
    // Row 3 (s = 3) lies past k and must not count; three float32 multiply-adds per element.
    const expected = Float64Array.from({ length: p }, (_, e) => s.slice(0, k).reduce((sum, sj, j) => sum + sj * basis[j * p + e]!, 0));
    expectClose(y, expected, { abs: 1e-6, rel: 1e-6 }, 'y = sum_j s_j v_j');
  });
});

describe('lanczos kernels: argument checks', () => {
  it('rejects missing or small buffers and a non-finite theta before binding', async () => {
    const shape = { width: 4, inputDim: 2, hasBias: true };
    await onGpu('lanczos arguments', async (gpu) => {
      const small = createStorageBuffer(gpu, 'small', 4);
      try {
        await expect(bindLanczosNext(gpu, shape, { capacity: 4 }, { current: small })).rejects.toThrow(/current.*holds 4 bytes/);
        await expect(bindLanczosScatter(gpu, shape, { capacity: 4 }, {})).rejects.toThrow(/ritz.*missing/);
        expect(() => lanczosParams(shape, { capacity: 4, theta: Infinity }, 1)).toThrow(/theta/);
        expect(() => lanczosParams(shape, { capacity: 0 }, 1)).toThrow(/capacity/);
        expect(() => lanczosParams(shape, { capacity: 4, basisRows: 2, ritzCount: 3 }, 1)).toThrow(/ritzCount/);
      } finally {
        small.destroy();
      }
    });
  });
});
