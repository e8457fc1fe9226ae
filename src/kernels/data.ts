/**
 * Wrappers for shaders/data.wgsl.ts: the online sampler bound on GPU buffers (the trainer copies
 * per-step params into it with BoundKernel.copyParams, from `sampleOnlineParams(spec, step)`). Its
 * twin is sampleOnline in src/data/sampling.ts.
 */
import { SAMPLE_ONLINE_PARAMS, sampleOnlineSource, type DataVariant } from '../../shaders/data.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import type { OnlineSpec } from '../core/dataset';
import { RANDOM_STREAMS } from '../core/conventions';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkFinite, checkLength, checkSize } from '../gpu/validate';

const NAME = 'data/sample_online';
const UINT32_RANGE = 2 ** 32;

export const sampleOnlineKernel: KernelSource<DataVariant> = {
  family: 'data',
  entryPoint: 'sample_online',
  source: sampleOnlineSource,
  cacheKey: (variant) => variant.target,
};

/** Storage buffers in binding order: X [B x d], y [B], then the teacher's a [M] and W [M x d] (teacher target only). */
export interface SampleOnlineBuffers {
  readonly inputs: GPUBuffer;
  readonly labels: GPUBuffer;
  readonly teacherA?: GPUBuffer;
  readonly teacherW?: GPUBuffer;
}

function teacherWidth(spec: OnlineSpec): number {
  return spec.target.kind === 'teacher' ? spec.target.teacher.width : 0;
}

/** Rejects what the kernel cannot draw, naming the argument. */
export function checkOnlineSpec(kernel: string, spec: OnlineSpec, step: number): void {
  checkSize(kernel, 'batchSize', spec.batchSize);
  checkSize(kernel, 'inputDim', spec.inputDim);
  if (spec.batchSize * spec.inputDim >= UINT32_RANGE) {
    throw new KernelArgumentError(kernel, 'batchSize', `x inputDim = ${spec.batchSize * spec.inputDim} exceeds the 2^32 counters of a step; lower it`);
  }
  for (const [argument, value] of [['seed', spec.seed], ['step', step]] as const) {
    if (!Number.isInteger(value) || value < 0 || value >= UINT32_RANGE) {
      throw new KernelArgumentError(kernel, argument, `must be an integer in [0, 2^32), got ${value}`);
    }
  }
  if (!(spec.labelNoiseStd >= 0) || !Number.isFinite(Math.fround(spec.labelNoiseStd))) {
    throw new KernelArgumentError(kernel, 'labelNoiseStd', `must be finite in float32 and >= 0, got ${spec.labelNoiseStd}`);
  }
  if (spec.inputs !== 'gaussian' && spec.inputs !== 'sphere') {
    throw new KernelArgumentError(kernel, 'inputs', `must be 'gaussian' or 'sphere', got '${String(spec.inputs)}'`);
  }
  if (spec.target.kind === 'circle' && spec.inputDim < 2) {
    throw new KernelArgumentError(kernel, 'inputDim', `is ${spec.inputDim}; the circle-neuron target needs inputDim >= 2`);
  }
  if (spec.target.kind === 'teacher') {
    const { width, a, W } = spec.target.teacher;
    checkSize(kernel, 'teacher.width', width);
    checkLength(kernel, 'teacher.a', a, width, `[${width}]`);
    checkLength(kernel, 'teacher.W', W, width * spec.inputDim, `[${width} x ${spec.inputDim}]`);
    checkFinite(kernel, 'teacher.a', a);
    checkFinite(kernel, 'teacher.W', W);
  }
}

/** Uniform bytes of sample_online (SAMPLE_ONLINE_PARAMS) for online step `step`. */
export function sampleOnlineParams(spec: OnlineSpec, step: number): ArrayBuffer {
  return SAMPLE_ONLINE_PARAMS.pack({
    batch_size: spec.batchSize,
    input_dim: spec.inputDim,
    teacher_width: teacherWidth(spec),
    on_sphere: spec.inputs === 'sphere' ? 1 : 0,
    seed: spec.seed,
    input_stream: RANDOM_STREAMS.online,
    noise_stream: RANDOM_STREAMS.onlineLabelNoise,
    step,
    label_noise_std: spec.labelNoiseStd,
  });
}

/**
 * X [B x d] and y [B] of online step `step` into `buffers`. Bind once; per step, write or copy
 * `sampleOnlineParams(spec, step)` into the kernel (the teacher is read from the buffers at run time).
 */
export async function bindSampleOnline(gpu: GpuContext, spec: OnlineSpec, buffers: SampleOnlineBuffers, step = 0): Promise<BoundKernel> {
  checkOnlineSpec(NAME, spec, step);
  const { batchSize: B, inputDim: d } = spec;
  checkBufferHolds(NAME, 'inputs', buffers.inputs, B * d);
  checkBufferHolds(NAME, 'labels', buffers.labels, B);
  const storage = [buffers.inputs, buffers.labels];
  if (spec.target.kind === 'teacher') {
    const M = spec.target.teacher.width;
    if (!buffers.teacherA || !buffers.teacherW) throw new KernelArgumentError(NAME, 'teacherA', 'and teacherW are required for a teacher target');
    checkBufferHolds(NAME, 'teacherA', buffers.teacherA, M);
    checkBufferHolds(NAME, 'teacherW', buffers.teacherW, M * d);
    storage.push(buffers.teacherA, buffers.teacherW);
  }
  return await bindKernel(gpu, sampleOnlineKernel, { target: spec.target.kind }, {
    params: sampleOnlineParams(spec, step),
    buffers: storage,
    workgroupCount: Math.ceil(B / ELEMENTWISE_WORKGROUP_SIZE),
  });
}
