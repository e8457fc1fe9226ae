/**
 * The kernel contract. A kernel family exports, per entry point, its WGSL source as a function
 * of a variant (values that change the text) and a cache key made of those start-up facts only,
 * never of shapes. Shapes travel in a uniform struct at @binding(0); storage buffers follow at
 * @binding(1..k) in the order given. A bound kernel owns its bind group and uniform buffer, so
 * encoding it again costs no allocation: a scheduler can record many steps into one submit.
 */
import { createUniformBuffer } from './buffers';
import type { GpuContext } from './device';
import { KernelArgumentError } from '../core/errors';
import { getPipeline } from './pipeline-cache';
import { createParamsTable } from './params';

export interface KernelSource<Variant> {
  readonly family: string;
  readonly entryPoint: string;
  source(variant: Variant): string;
  cacheKey(variant: Variant): string;
}

export interface KernelCall {
  /** Bytes of the uniform params struct (a `UniformStruct.pack` result, see src/core/uniform-struct.ts). */
  readonly params: ArrayBuffer;
  /** Storage buffers for @binding(1), @binding(2), ... */
  readonly buffers: readonly GPUBuffer[];
  /** Total number of workgroups; spread over an (x, y) grid when it exceeds the per-dimension limit. */
  readonly workgroupCount: number;
}

export class BoundKernel {
  constructor(
    readonly label: string,
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly uniform: GPUBuffer,
    private readonly grid: readonly [number, number],
  ) {}

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.grid[0], this.grid[1], 1);
  }

  /** Replaces the uniform params (same layout); takes effect at the next queue submit. */
  writeParams(queue: GPUQueue, params: ArrayBuffer): void {
    queue.writeBuffer(this.uniform, 0, params);
  }

  /**
   * Records a copy of params from `source` (a COPY_SRC buffer of pre-packed params) into this kernel's
   * uniform buffer. Copies sit between compute passes in the command stream, so the steps recorded into
   * one submit can each see their own params (step counter, log slot) without a CPU round trip.
   */
  copyParams(encoder: GPUCommandEncoder, source: GPUBuffer, sourceOffset: number): void {
    encoder.copyBufferToBuffer(source, sourceOffset, this.uniform, 0, this.uniform.size);
  }

  /** Size of the uniform buffer, i.e. the stride of a params table for `copyParams`. */
  get paramsByteLength(): number {
    return this.uniform.size;
  }

  destroy(): void {
    this.uniform.destroy();
  }
}

/** Spreads `workgroupCount` over (x, y) with x, y <= maxComputeWorkgroupsPerDimension. */
export function dispatchGrid(gpu: GpuContext, label: string, workgroupCount: number): [number, number] {
  const maxPerDimension = gpu.device.limits.maxComputeWorkgroupsPerDimension;
  if (!Number.isInteger(workgroupCount) || workgroupCount < 1) {
    throw new KernelArgumentError(label, 'workgroupCount', `must be a positive integer, got ${workgroupCount}`);
  }
  const x = Math.min(workgroupCount, maxPerDimension);
  const y = Math.ceil(workgroupCount / x);
  if (y > maxPerDimension) {
    throw new KernelArgumentError(label, 'workgroupCount', `${workgroupCount} exceeds ${maxPerDimension}^2 workgroups; split the work`);
  }
  return [x, y];
}

export function kernelLabel<V>(kernel: KernelSource<V>, variant: V): string {
  return `${kernel.family}/${kernel.entryPoint}/${kernel.cacheKey(variant)}`;
}

export async function bindKernel<V>(gpu: GpuContext, kernel: KernelSource<V>, variant: V, call: KernelCall): Promise<BoundKernel> {
  const label = kernelLabel(kernel, variant);
  const grid = dispatchGrid(gpu, label, call.workgroupCount);
  const pipeline = await getPipeline(gpu.device, { label, code: kernel.source(variant), entryPoint: kernel.entryPoint });
  const uniform = createUniformBuffer(gpu, `${label}/params`, call.params);
  const bindGroup = gpu.device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: [uniform, ...call.buffers].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  return new BoundKernel(label, pipeline, bindGroup, uniform, grid);
}

/**
 * Records the kernels into one compute pass and submits it, without waiting: read-backs queued after it see its
 * results, so a caller that reads them needs no round trip of its own first.
 */
export function submitKernels(gpu: GpuContext, label: string, kernels: readonly BoundKernel[]): void {
  const encoder = gpu.device.createCommandEncoder({ label });
  const pass = encoder.beginComputePass();
  for (const kernel of kernels) kernel.encode(pass);
  pass.end();
  gpu.device.queue.submit([encoder.finish()]);
}

/** Records the kernels into one compute pass and submits it; returns when the queue is done. */
export async function runKernels(gpu: GpuContext, label: string, kernels: readonly BoundKernel[]): Promise<void> {
  submitKernels(gpu, label, kernels);
  await gpu.device.queue.onSubmittedWorkDone();
}

/**
 * Records one compute pass of `kernel` per entry of `paramsList`, each with its own params copied
 * from one table (many dispatches with different params in one submit). Returns the table, to free
 * once the submit is done.
 */
export function encodeWithParamsTable(device: GPUDevice, encoder: GPUCommandEncoder, kernel: BoundKernel, label: string, paramsList: readonly ArrayBuffer[]): GPUBuffer {
  const stride = kernel.paramsByteLength;
  const table = createParamsTable(device, label, stride, paramsList.length, (i) => paramsList[i]!);
  paramsList.forEach((_, i) => {
    kernel.copyParams(encoder, table, i * stride);
    const pass = encoder.beginComputePass({ label });
    kernel.encode(pass);
    pass.end();
  });
  return table;
}
