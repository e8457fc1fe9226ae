/**
 * Wrappers for shaders/hessian-trace.wgsl.ts: bound kernels on GPU buffers, each checked (shape,
 * presence and size of every buffer) before anything is dispatched. The composed metric (both
 * kernels in one submit, one 4-byte readback) is src/metrics/hessian-trace.ts.
 */
import {
  TRACE_TERMS_PARAMS,
  TRACE_TOTAL_PARAMS,
  traceTermsBindingKeys,
  traceTermsSource,
  traceTotalSource,
  type TraceTermsVariant,
  type TraceTotalVariant,
} from '../../shaders/hessian-trace.wgsl';
import { checkBufferSize } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';
import { combinedOutputScale, lossCode, type TrainableParts } from '../core/conventions';
import { twoLayerParams, type OutputLossShape } from './two-layer';
import type { NetworkParameters } from '../core/network';

export type { TraceTermsVariant };

const FAMILY = 'hessian-trace';
const TRAINABLE_PARTS: readonly TrainableParts[] = ['both', 'first', 'second'];

export const traceTermsKernel: KernelSource<TraceTermsVariant> = {
  family: FAMILY,
  entryPoint: 'trace_terms',
  source: traceTermsSource,
  cacheKey: (v) => `f32${v.hasBias ? '-bias' : ''}${v.centered ? '-centered' : ''}`,
};

export const traceTotalKernel: KernelSource<TraceTotalVariant> = {
  family: FAMILY,
  entryPoint: 'trace_total',
  source: traceTotalSource,
  cacheKey: () => 'f32',
};

/** Everything trace_terms needs to know: n, m, d, scaling, alpha, loss, centered, bias and the trainable parts. */
export interface TraceTermsShape extends OutputLossShape {
  readonly inputDim: number;
  readonly hasBias: boolean;
  /** The Hessian is restricted to these parameters (default 'both'). */
  readonly trainable?: TrainableParts;
}

/**
 * Buffers of trace_terms by binding key: X [n x d], y [n], a [m], W [m x d], b [m] exactly when the shape
 * has a bias, f0 [n] = f_theta0(x_i) exactly when it is centered, and terms [n] (written: l''_i K_ii / n).
 */
export interface TraceTermsBuffers extends NetworkParameters<GPUBuffer> {
  readonly X: GPUBuffer;
  readonly y: GPUBuffer;
  readonly outputOffset?: GPUBuffer;
  readonly terms: GPUBuffer;
}

/** Uniform bytes of trace_terms (TRACE_TERMS_PARAMS), checked first (sizes, scaling, loss, alpha, trainable). */
export function traceTermsParams(shape: TraceTermsShape, name = `${FAMILY}/trace_terms`): ArrayBuffer {
  checkSize(name, 'inputDim', shape.inputDim);
  const trainable = shape.trainable ?? 'both';
  if (!TRAINABLE_PARTS.includes(trainable)) {
    throw new KernelArgumentError(name, 'trainable', `is '${String(trainable)}'; expected one of ${TRAINABLE_PARTS.join(', ')}`);
  }
  // n, m, scaling, alpha and loss, checked as two-layer's head kernels check them.
  twoLayerParams(shape, shape.loss, name);
  const outputScale = combinedOutputScale(shape);
  const termScale = outputScale ** 2 / shape.sampleCount;
  // A nonzero c whose c^2 / n underflows (or overflows) float32 would report a wrong trace of 0 (or Inf).
  const rounded = Math.fround(termScale);
  if (!Number.isFinite(rounded) || (outputScale !== 0 && rounded === 0)) {
    throw new KernelArgumentError(name, 'alpha', `gives c^2 / n = ${termScale}, outside the float32 range; rescale alpha`);
  }
  return TRACE_TERMS_PARAMS.pack({
    sample_count: shape.sampleCount,
    width: shape.width,
    input_dim: shape.inputDim,
    loss_code: lossCode(shape.loss),
    output_scale: outputScale,
    term_scale: termScale,
    second_layer_weight: trainable !== 'first' ? 1 : 0,
    first_layer_weight: trainable !== 'second' ? 1 : 0,
  });
}

/** trace_terms: terms_i = l''(f_i, y_i) K_ii / n for every sample, the forward pass fused in. One workgroup per sample. */
export async function bindTraceTerms(gpu: GpuContext, shape: TraceTermsShape, buffers: TraceTermsBuffers): Promise<BoundKernel> {
  const name = `${FAMILY}/trace_terms`;
  const params = traceTermsParams(shape, name);
  const { sampleCount: n, width: m, inputDim: d, hasBias } = shape;
  const centered = shape.centered ?? false;
  // X and W each fit one binding, which also keeps the shader's u32 indices i d + k and j d + k in range.
  checkBufferSize(gpu, 'X', n * d * 4, name);
  checkBufferSize(gpu, 'W', m * d * 4, name);
  if (hasBias !== (buffers.b !== undefined)) {
    throw new KernelArgumentError(name, 'b', hasBias ? 'is missing; the shape has a bias' : 'is given but the shape has no bias');
  }
  if (centered !== (buffers.outputOffset !== undefined)) {
    throw new KernelArgumentError(name, 'outputOffset', centered ? 'is missing; a centered network needs f0 of every sample' : 'is given but the shape is not centered');
  }
  const counts: Record<string, number> = { X: n * d, y: n, a: m, W: m * d, b: m, outputOffset: n, terms: n };
  const byKey = buffers as unknown as Record<string, GPUBuffer>;
  const bound = traceTermsBindingKeys({ hasBias, centered }).map((key) => {
    checkBufferHolds(name, key, byKey[key]!, counts[key]!);
    return byKey[key]!;
  });
  return bindKernel(gpu, traceTermsKernel, { hasBias, centered }, { params, buffers: bound, workgroupCount: n });
}

export interface TraceTotalBuffers {
  /** The per-sample terms [n]. */
  readonly terms: GPUBuffer;
  /** Receives the trace in element 0. */
  readonly trace: GPUBuffer;
}

/** trace_total: trace[0] = sum_i terms_i, in a fixed order. One workgroup. */
export async function bindTraceTotal(gpu: GpuContext, sampleCount: number, buffers: TraceTotalBuffers): Promise<BoundKernel> {
  const name = `${FAMILY}/trace_total`;
  checkSize(name, 'sampleCount', sampleCount);
  checkBufferHolds(name, 'terms', buffers.terms, sampleCount);
  checkBufferHolds(name, 'trace', buffers.trace, 1);
  return bindKernel(gpu, traceTotalKernel, {}, {
    params: TRACE_TOTAL_PARAMS.pack({ sample_count: sampleCount }),
    buffers: [buffers.terms, buffers.trace],
    workgroupCount: 1,
  });
}
