/**
 * Array-in/array-out run of the online sampler (src/kernels/data.ts) for tests: one step's X and y,
 * to compare with its twin sampleOnline in src/data/sampling.ts.
 */
import type { OnlineSpec } from '../../../src/core/dataset';
import { checkBufferSize, createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { runKernels } from '../../../src/gpu/kernel';
import { bindSampleOnline, checkOnlineSpec, type SampleOnlineBuffers } from '../../../src/kernels/data';

/** The kernel's name, for labels and error messages (as in src/kernels/data.ts). */
const NAME = 'data/sample_online';

/** Uploads the teacher, runs sample_online for one step and reads back X [B x d] and y [B]. */
export async function sampleOnline(gpu: GpuContext, spec: OnlineSpec, step: number): Promise<{ X: Float32Array; y: Float32Array }> {
  checkOnlineSpec(NAME, spec, step);
  const { batchSize: B, inputDim: d } = spec;
  checkBufferSize(gpu, 'inputs', B * d * 4, NAME);
  const buffers: Record<string, GPUBuffer> = {
    inputs: createStorageBuffer(gpu, `${NAME}/inputs`, B * d * 4),
    labels: createStorageBuffer(gpu, `${NAME}/labels`, B * 4),
  };
  if (spec.target.kind === 'teacher') {
    buffers.teacherA = createStorageBuffer(gpu, `${NAME}/teacherA`, spec.target.teacher.a);
    buffers.teacherW = createStorageBuffer(gpu, `${NAME}/teacherW`, spec.target.teacher.W);
  }
  try {
    const kernel = await bindSampleOnline(gpu, spec, buffers as unknown as SampleOnlineBuffers, step);
    await runKernels(gpu, NAME, [kernel]);
    kernel.destroy();
    const [X, y] = await Promise.all([readFloat32(gpu, buffers.inputs!, B * d), readFloat32(gpu, buffers.labels!, B)]);
    return { X, y };
  } finally {
    Object.values(buffers).forEach((buffer) => buffer.destroy());
  }
}
