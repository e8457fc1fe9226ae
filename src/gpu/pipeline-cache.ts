/** Compute pipelines compiled once per device and cache key; a lost device frees its cache with it. */
import { ShaderCompilationError } from '../core/errors';
import { timedSpan } from '../core/timing-spans';

const cache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

export interface PipelineRequest {
  /** `family/entryPoint/variantKey`: also the GPU object label. */
  readonly label: string;
  readonly code: string;
  readonly entryPoint: string;
}

export function getPipeline(device: GPUDevice, request: PipelineRequest): Promise<GPUComputePipeline> {
  let perDevice = cache.get(device);
  if (!perDevice) cache.set(device, (perDevice = new Map()));
  let pipeline = perDevice.get(request.label);
  if (!pipeline) {
    pipeline = timedSpan(`pipeline/${request.label}`, () => compile(device, request));
    // A failed compilation is not cached, so a fixed source can be retried.
    pipeline.catch(() => perDevice.delete(request.label));
    perDevice.set(request.label, pipeline);
  }
  return pipeline;
}

/** A shader module, or a ShaderCompilationError with each WGSL error's line, column and source line. */
export async function compileShaderModule(device: GPUDevice, label: string, code: string): Promise<GPUShaderModule> {
  // The scope keeps a compilation failure from also surfacing as an uncaptured error.
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  await device.popErrorScope();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) throw new ShaderCompilationError(label, errors, code);
  return module;
}

async function compile(device: GPUDevice, { label, code, entryPoint }: PipelineRequest): Promise<GPUComputePipeline> {
  const module = await compileShaderModule(device, label, code);
  device.pushErrorScope('validation');
  const pipeline = await device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint } });
  const error = await device.popErrorScope();
  if (error) throw new ShaderCompilationError(label, [{ lineNum: 0, linePos: 0, message: error.message }], code);
  return pipeline;
}
