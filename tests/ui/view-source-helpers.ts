/** Sources for the view elements' browser tests: small networks in GPU buffers on the test device. */
import type { FunctionSource, ParticleSource } from '../../src/ui/particle-source';
import { createStorageBuffer } from '../../src/gpu/buffers';
import { getTestGpu } from '../helpers/gpu';

/** Particles theta_j = (a_j, w_j): a [m], W [m x d] row-major. */
export async function particleSource(a: number[], W: number[], inputDim: number, extra: Partial<ParticleSource> = {}): Promise<ParticleSource> {
  const gpu = await getTestGpu();
  return {
    device: gpu.device,
    a: createStorageBuffer(gpu, 'test/a', new Float32Array(a)),
    W: createStorageBuffer(gpu, 'test/W', new Float32Array(W)),
    width: a.length,
    inputDim,
    ...extra,
  };
}

/** A small network: a [m], W [m x d] row-major, optional b [m], input dimension d and output scale. */
export interface TestNet {
  readonly a: number[];
  readonly W: number[];
  readonly b?: number[];
  readonly d: number;
  readonly scale: number;
}

/** f(x) = scale * sum_j a_j relu(w_j . x + b_j), with optional training points. */
export async function functionSource(
  net: TestNet,
  data?: { X: number[]; y: number[] },
): Promise<FunctionSource> {
  const gpu = await getTestGpu();
  return {
    device: gpu.device,
    a: createStorageBuffer(gpu, 'test/a', new Float32Array(net.a)),
    W: createStorageBuffer(gpu, 'test/W', new Float32Array(net.W)),
    ...(net.b ? { b: createStorageBuffer(gpu, 'test/b', new Float32Array(net.b)) } : {}),
    width: net.a.length,
    inputDim: net.d,
    scale: net.scale,
    ...(data ? { data: { X: new Float32Array(data.X), y: new Float32Array(data.y) } } : {}),
  };
}

/** Fails the test on any uncaptured GPU error raised between the call and the returned stop(). */
export async function watchGpuErrors(): Promise<() => string[]> {
  const { device } = await getTestGpu();
  const errors: string[] = [];
  const listener = (e: Event) => errors.push((e as GPUUncapturedErrorEvent).error.message);
  device.addEventListener('uncapturederror', listener);
  return () => {
    device.removeEventListener('uncapturederror', listener);
    return errors;
  };
}
