/** Host-array entry of the GPU metrics: checks a network and its data, then uploads them as storage buffers. */
import { createStorageBuffer } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { checkFinite, checkLength, checkSize } from '../gpu/validate';
import type { TwoLayerWeights, NetworkParameters } from '../core/network';

export interface NetworkShape {
  readonly width: number;
  readonly inputDim: number;
  readonly sampleCount: number;
  readonly hasBias: boolean;
}

/** Inputs X [n x d] and, where the metric needs them, targets y [n]. */
export interface HostData {
  readonly X: Float32Array;
  readonly y?: Float32Array;
}

export interface NetworkBuffers extends NetworkParameters<GPUBuffer> {
  readonly X: GPUBuffer;
  readonly y?: GPUBuffer;
}

/** Sizes, lengths, finiteness and bias presence, each failure a KernelArgumentError naming the argument. */
export function checkNetworkArrays(name: string, shape: NetworkShape, weights: TwoLayerWeights, data: HostData): void {
  const { width: m, inputDim: d, sampleCount: n, hasBias } = shape;
  for (const key of ['width', 'inputDim', 'sampleCount'] as const) checkSize(name, key, shape[key]);
  if (hasBias !== (weights.b !== undefined)) {
    throw new KernelArgumentError(name, 'weights.b', hasBias ? 'is required when hasBias is set' : 'is given but hasBias is not set');
  }
  const arrays: Record<string, readonly [Float32Array | undefined, number, string]> = {
    'weights.a': [weights.a, m, `[${m}]`],
    'weights.W': [weights.W, m * d, `[${m} x ${d}]`],
    'weights.b': [weights.b, m, `[${m}]`],
    'data.X': [data.X, n * d, `[${n} x ${d}]`],
    'data.y': [data.y, n, `[${n}]`],
  };
  for (const [argument, [values, length, shapeText]] of Object.entries(arrays)) {
    if (!values) continue;
    checkLength(name, argument, values, length, shapeText);
    checkFinite(name, argument, values);
  }
}

/** Storage buffers holding the weights and data (the caller destroys them). */
export function uploadNetwork(gpu: GpuContext, name: string, weights: TwoLayerWeights, data: HostData): NetworkBuffers {
  const upload = (label: string, values: Float32Array) => createStorageBuffer(gpu, `${name}/${label}`, values);
  return {
    X: upload('X', data.X),
    ...(data.y ? { y: upload('y', data.y) } : {}),
    a: upload('a', weights.a),
    W: upload('W', weights.W),
    ...(weights.b ? { b: upload('b', weights.b) } : {}),
  };
}

/** HostData plus, for a centered model, f0 [n] = f_theta0(x_i). */
export interface CenteredHostData extends HostData {
  readonly outputOffset?: Float32Array;
}

/** checkNetworkArrays, and f0 given exactly when `centered`, with n finite entries. */
export function checkCenteredNetworkArrays(
  name: string,
  shape: NetworkShape & { readonly centered?: boolean },
  weights: TwoLayerWeights,
  data: CenteredHostData,
): void {
  checkNetworkArrays(name, shape, weights, data);
  const centered = shape.centered ?? false;
  if (centered !== (data.outputOffset !== undefined)) {
    throw new KernelArgumentError(name, 'data.outputOffset', centered ? 'is required when centered is set' : 'is given but centered is not set');
  }
  if (data.outputOffset) {
    checkLength(name, 'data.outputOffset', data.outputOffset, shape.sampleCount, `[${shape.sampleCount}]`);
    checkFinite(name, 'data.outputOffset', data.outputOffset);
  }
}

/** uploadNetwork, plus f0 when the data carry it (the caller destroys every buffer). */
export function uploadCenteredNetwork(gpu: GpuContext, name: string, weights: TwoLayerWeights, data: CenteredHostData): NetworkBuffers & { readonly outputOffset?: GPUBuffer } {
  return {
    ...uploadNetwork(gpu, name, weights, data),
    ...(data.outputOffset ? { outputOffset: createStorageBuffer(gpu, `${name}/outputOffset`, data.outputOffset) } : {}),
  };
}
