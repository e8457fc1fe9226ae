/**
 * One way to get a WebGPU device: `navigator.gpu` in a browser, Dawn (the `webgpu` package) in Node.
 * In Node without a hardware adapter it falls back to SwiftShader through Debian Chromium's Vulkan ICD.
 */
import { GpuValidationError, WebGpuUnavailableError } from '../core/errors';
import { mayHaveVulkanDrivers } from './vulkan-drivers';
import { dawnInstanceFlags } from './dawn-toggles';

export interface GpuContext {
  readonly device: GPUDevice;
  /** Human-readable adapter name, e.g. "google swiftshader (SwiftShader driver 5.0.0), fallback". */
  readonly adapterDescription: string;
  readonly isFallbackAdapter: boolean;
  readonly runtime: 'browser' | 'node';
}

export interface GpuRequestOptions {
  powerPreference?: GPUPowerPreference;
  /** Ask for the software (fallback) adapter even when a hardware one exists. */
  forceFallbackAdapter?: boolean;
}

/** Vulkan ICD of Debian's Chromium package: SwiftShader, a CPU implementation of Vulkan. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Limits raised to the adapter's maximum, since kernels check shapes against them. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
] as const;

export async function requestGpu(options: GpuRequestOptions = {}): Promise<GpuContext> {
  const browserGpu = typeof navigator !== 'undefined' ? (navigator as Navigator).gpu : undefined;
  const { adapter, runtime } = browserGpu
    ? { adapter: await browserGpu.requestAdapter(adapterOptions(options)), runtime: 'browser' as const }
    : { adapter: await requestNodeAdapter(options), runtime: 'node' as const };
  if (!adapter) {
    throw new WebGpuUnavailableError(
      runtime === 'browser'
        ? 'No WebGPU adapter. Use a browser with WebGPU enabled (Chrome/Edge 113+, or Chromium with --enable-unsafe-webgpu) on a secure origin (https or http://127.0.0.1).'
        : `No WebGPU adapter in Node. Install libvulkan1 and Debian's chromium (for ${SWIFTSHADER_ICD}), or a GPU driver with Vulkan.`,
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredLimits, label: 'gradflow' });
  device.addEventListener('uncapturederror', (event) => {
    console.error(`gradflow: uncaptured WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message}`);
  });
  const info = adapter.info;
  const isFallbackAdapter = Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const adapterDescription = `${name}${info.description ? ` (${info.description})` : ''}${isFallbackAdapter ? ', fallback' : ''}`;
  return { device, adapterDescription, isFallbackAdapter, runtime };
}

function adapterOptions(options: GpuRequestOptions): GPURequestAdapterOptions {
  return {
    powerPreference: options.powerPreference ?? 'high-performance',
    forceFallbackAdapter: options.forceFallbackAdapter ?? false,
  };
}

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/**
 * Dawn instances are kept for the life of the process: a collected instance stops delivering
 * its callbacks (mapAsync, onSubmittedWorkDone never settle) and can abort the process.
 */
const dawnInstances: GPU[] = [];

function createDawnInstance(dawn: DawnModule, adapter: 'hardware' | 'swiftshader'): GPU {
  const instance = dawn.create(dawnInstanceFlags(adapter));
  dawnInstances.push(instance);
  return instance;
}

async function requestNodeAdapter(options: GpuRequestOptions): Promise<GPUAdapter | null> {
  // A variable specifier keeps bundlers from pulling the Node-only Dawn addon into browser builds.
  const dawnSpecifier = 'webgpu';
  let dawn: DawnModule;
  try {
    dawn = (await import(/* @vite-ignore */ dawnSpecifier)) as DawnModule;
  } catch (cause) {
    throw new WebGpuUnavailableError(`Neither navigator.gpu nor the 'webgpu' (Dawn) package is available: ${String(cause)}. Run npm install.`);
  }
  for (const [key, value] of Object.entries(dawn.globals)) {
    if (!(key in globalThis)) (globalThis as Record<string, unknown>)[key] = value;
  }
  const askHardware = !options.forceFallbackAdapter && (await mayHaveVulkanDrivers());
  const hardware = askHardware ? await createDawnInstance(dawn, 'hardware').requestAdapter(adapterOptions(options)) : null;
  if (hardware) return hardware;
  // No usable hardware adapter: point the Vulkan loader at SwiftShader. A new Dawn instance rereads the variable.
  const { existsSync } = await import(/* @vite-ignore */ 'node:fs');
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  return createDawnInstance(dawn, 'swiftshader').requestAdapter({ ...adapterOptions(options), forceFallbackAdapter: true });
}

/** Runs `work` inside validation and out-of-memory error scopes and throws what they caught. */
export async function withErrorScope<T>(device: GPUDevice, label: string, work: () => T | Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T;
  try {
    result = await work();
  } finally {
    const validation = await device.popErrorScope();
    const memory = await device.popErrorScope();
    const error = validation ?? memory;
    if (error) throw new GpuValidationError(`${label}: ${error.message}`);
  }
  return result;
}
