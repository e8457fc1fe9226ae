/** Array-in/array-out run of the Hessian family's rademacher_fill (src/kernels/hessian.ts) for tests. */
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { KernelArgumentError } from '../../../src/core/errors';
import { runKernels, type BoundKernel } from '../../../src/gpu/kernel';
import {
  bindRademacherFill,
  probeStateBytes,
  vectorLength,
  vectorParams,
  type VectorSettings,
  type VectorShape,
} from '../../../src/kernels/hessian';

const UINT32_RANGE = 2 ** 32;

/** Runs rademacher_fill for probe `probe` and reads back the flat probe [a | W | b]. */
export async function rademacherFill(
  gpu: GpuContext,
  shape: VectorShape,
  settings: Required<Pick<VectorSettings, 'seed' | 'stream'>> & VectorSettings,
  probe: number,
): Promise<Float32Array> {
  const name = 'hessian/rademacher_fill';
  const length = vectorLength(gpu, name, shape);
  if (!Number.isInteger(probe) || probe < 0 || probe >= UINT32_RANGE) {
    throw new KernelArgumentError(name, 'probe', `must be an integer in [0, 2^32), got ${probe}`);
  }
  vectorParams(shape, settings, name);
  const { width: m, inputDim: d } = shape;
  const buffers = {
    state: createStorageBuffer(gpu, `${name}/state`, new Uint8Array(probeStateBytes(probe))),
    directionA: createStorageBuffer(gpu, `${name}/directionA`, m * 4),
    directionW: createStorageBuffer(gpu, `${name}/directionW`, m * d * 4),
    ...(shape.hasBias ? { directionB: createStorageBuffer(gpu, `${name}/directionB`, m * 4) } : {}),
  };
  let kernel: BoundKernel | undefined;
  try {
    kernel = await bindRademacherFill(gpu, shape, settings, buffers);
    await runKernels(gpu, name, [kernel]);
    const flat = new Float32Array(length);
    flat.set(await readFloat32(gpu, buffers.directionA, m), 0);
    flat.set(await readFloat32(gpu, buffers.directionW, m * d), m);
    if (buffers.directionB) flat.set(await readFloat32(gpu, buffers.directionB, m), m + m * d);
    return flat;
  } finally {
    kernel?.destroy();
    Object.values(buffers).forEach((buffer) => buffer.destroy());
  }
}
