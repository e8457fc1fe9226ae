/**
 * Wrappers for shaders/particle-metrics.wgsl.ts: bound kernels on GPU buffers (a scheduler can
 * append them to a training submit) and array-in/array-out helpers that run a kernel and its
 * summary in one submit. Work: neuron_stats O(m d), neuron_activity O(n m), summaries O(m).
 */
import {
  NEURON_ACTIVITY_PARAMS,
  NEURON_STATS_PARAMS,
  SUMMARIZE_ACTIVITY_PARAMS,
  SUMMARIZE_NEURONS_PARAMS,
  neuronActivitySource,
  neuronStatsSource,
  summarizeActivitySource,
  summarizeNeuronsSource,
  type NeuronStatsVariant,
  type ParticleMetricsVariant,
} from '../../shaders/particle-metrics.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize, createStorageBuffer, readFloat32, readUint32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, runKernels, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkFinite, checkLength, checkSize } from '../gpu/validate';
import type { NetworkParameters } from '../core/network';

const VARIANT: ParticleMetricsVariant = {};
/** summarize_neurons counts living neurons in f32, exact below 2^24. */
const MAX_WIDTH = 2 ** 24;

function metricsKernel<V>(entryPoint: string, source: (variant: V) => string, cacheKey: (variant: V) => string = () => 'f32'): KernelSource<V> {
  return { family: 'particle-metrics', entryPoint, source, cacheKey };
}

export const neuronStatsKernel = metricsKernel<NeuronStatsVariant>('neuron_stats', neuronStatsSource, (v) => (v.hasBias ? 'f32-bias' : 'f32'));
export const neuronActivityKernel = metricsKernel<ParticleMetricsVariant>('neuron_activity', neuronActivitySource);
export const summarizeNeuronsKernel = metricsKernel<ParticleMetricsVariant>('summarize_neurons', summarizeNeuronsSource);
export const summarizeActivityKernel = metricsKernel<ParticleMetricsVariant>('summarize_activity', summarizeActivitySource);

/** Rows of stats [3 x m] (f32). */
export const STATS_ROWS = { magnitude: 0, pathTerm: 1, displacement: 2 } as const;
/** Slots of summary [5] (f32). */
export const SUMMARY_SLOTS = { maxDisplacement: 0, rmsDisplacement: 1, pathNorm: 2, maxMagnitude: 3, livingCount: 4 } as const;
export const SUMMARY_LENGTH = 5;
/** Rows of activity [2 x m] and slots of activitySummary [2] (u32). */
export const ACTIVITY_ROWS = { activeSamples: 0, changedEntries: 1 } as const;
export const ACTIVITY_SUMMARY_SLOTS = { activatedCount: 0, changedEntryCount: 1 } as const;

function checkWidth(name: string, width: number): void {
  checkSize(name, 'width', width);
  if (width >= MAX_WIDTH) throw new KernelArgumentError(name, 'width', `${width} is over 2^24, where float32 counts stop being exact`);
}

function checkThreshold(name: string, livingThreshold: number): void {
  if (!(livingThreshold >= 0 && Number.isFinite(Math.fround(livingThreshold)))) {
    throw new KernelArgumentError(name, 'livingThreshold', `must be a finite number >= 0 (a fraction of the largest |a_j||w_j|), got ${livingThreshold}`);
  }
}

export interface NeuronShape {
  /** m. */
  readonly width: number;
  /** d. */
  readonly inputDim: number;
  readonly hasBias: boolean;
}

export interface NeuronStatsBuffers {
  readonly a: GPUBuffer;
  readonly W: GPUBuffer;
  readonly initialA: GPUBuffer;
  readonly initialW: GPUBuffer;
  /** [3 x m], written (rows STATS_ROWS). */
  readonly stats: GPUBuffer;
  /** With a bias: b and b(0) [m]. */
  readonly b?: GPUBuffer;
  readonly initialB?: GPUBuffer;
}

/**
 * neuron_stats: stats = (|a_j||w_j|, |a_j||(w_j, b_j)|, |theta_j - theta_j(0)|) per neuron.
 * Bindings: 1 a, 2 W, 3 initialA, 4 initialW, 5 stats, then with a bias 6 b, 7 initialB. One thread per neuron.
 */
export function bindNeuronStats(gpu: GpuContext, shape: NeuronShape, buffers: NeuronStatsBuffers): Promise<BoundKernel> {
  const name = 'particle-metrics/neuron_stats';
  const { width: m, inputDim: d } = shape;
  checkWidth(name, m);
  checkSize(name, 'inputDim', d);
  checkBufferSize(gpu, 'W', m * d * 4, name);
  for (const argument of ['a', 'initialA'] as const) checkBufferHolds(name, argument, buffers[argument], m);
  for (const argument of ['W', 'initialW'] as const) checkBufferHolds(name, argument, buffers[argument], m * d);
  checkBufferHolds(name, 'stats', buffers.stats, 3 * m);
  const bound = [buffers.a, buffers.W, buffers.initialA, buffers.initialW, buffers.stats];
  if (shape.hasBias) {
    for (const argument of ['b', 'initialB'] as const) {
      const buffer = buffers[argument];
      if (!buffer) throw new KernelArgumentError(name, argument, 'is missing; a network with a bias needs b and initialB');
      checkBufferHolds(name, argument, buffer, m);
      bound.push(buffer);
    }
  }
  return bindKernel(gpu, neuronStatsKernel, { hasBias: shape.hasBias }, {
    params: NEURON_STATS_PARAMS.pack({ width: m, input_dim: d }),
    buffers: bound,
    workgroupCount: Math.ceil(m / ELEMENTWISE_WORKGROUP_SIZE),
  });
}

/** summarize_neurons: summary [5] (SUMMARY_SLOTS) from stats [3 x m]. Bindings: 1 stats, 2 summary. One workgroup. */
export function bindSummarizeNeurons(
  gpu: GpuContext,
  width: number,
  livingThreshold: number,
  buffers: { readonly stats: GPUBuffer; readonly summary: GPUBuffer },
): Promise<BoundKernel> {
  const name = 'particle-metrics/summarize_neurons';
  checkWidth(name, width);
  checkThreshold(name, livingThreshold);
  checkBufferHolds(name, 'stats', buffers.stats, 3 * width);
  checkBufferHolds(name, 'summary', buffers.summary, SUMMARY_LENGTH);
  return bindKernel(gpu, summarizeNeuronsKernel, VARIANT, {
    params: SUMMARIZE_NEURONS_PARAMS.pack({ width, living_threshold: livingThreshold }),
    buffers: [buffers.stats, buffers.summary],
    workgroupCount: 1,
  });
}

export interface ActivityShape {
  /** n. */
  readonly sampleCount: number;
  /** m. */
  readonly width: number;
}

/**
 * neuron_activity: activity [2 x m] (u32) = (#active samples, #changed mask entries) per neuron, from
 * H and H(0) [n x m] on the same samples. Bindings: 1 activation, 2 initialActivation, 3 activity. One thread per neuron.
 */
export function bindNeuronActivity(
  gpu: GpuContext,
  shape: ActivityShape,
  buffers: { readonly activation: GPUBuffer; readonly initialActivation: GPUBuffer; readonly activity: GPUBuffer },
): Promise<BoundKernel> {
  const name = 'particle-metrics/neuron_activity';
  const { sampleCount: n, width: m } = shape;
  checkSize(name, 'sampleCount', n);
  checkWidth(name, m);
  // One storage binding holds at most 2^32 bytes, so n m < 2^30 and the shader's u32 indices never wrap.
  checkBufferSize(gpu, 'activation', n * m * 4, name);
  checkBufferHolds(name, 'activation', buffers.activation, n * m);
  checkBufferHolds(name, 'initialActivation', buffers.initialActivation, n * m);
  checkBufferHolds(name, 'activity', buffers.activity, 2 * m);
  return bindKernel(gpu, neuronActivityKernel, VARIANT, {
    params: NEURON_ACTIVITY_PARAMS.pack({ sample_count: n, width: m }),
    buffers: [buffers.activation, buffers.initialActivation, buffers.activity],
    workgroupCount: Math.ceil(m / ELEMENTWISE_WORKGROUP_SIZE),
  });
}

/** summarize_activity: activitySummary [2] (u32) from activity [2 x m]. Bindings: 1 activity, 2 activitySummary. One workgroup. */
export function bindSummarizeActivity(
  gpu: GpuContext,
  width: number,
  buffers: { readonly activity: GPUBuffer; readonly activitySummary: GPUBuffer },
): Promise<BoundKernel> {
  const name = 'particle-metrics/summarize_activity';
  checkWidth(name, width);
  checkBufferHolds(name, 'activity', buffers.activity, 2 * width);
  checkBufferHolds(name, 'activitySummary', buffers.activitySummary, 2);
  return bindKernel(gpu, summarizeActivityKernel, VARIANT, {
    params: SUMMARIZE_ACTIVITY_PARAMS.pack({ width }),
    buffers: [buffers.activity, buffers.activitySummary],
    workgroupCount: 1,
  });
}

// ---- Array-in/array-out helpers -------------------------------------------------------------

/** theta = (a [m], W [m x d], b [m] optional) as float32 arrays. */
export type NeuronArrays = NetworkParameters<Float32Array>;

/** Runs `kernels` in one submit, reads back, then frees the kernels and buffers. */
async function runAndRead<T>(gpu: GpuContext, name: string, buffers: Record<string, GPUBuffer>, bind: () => Promise<BoundKernel[]>, read: () => Promise<T>): Promise<T> {
  const kernels: BoundKernel[] = [];
  try {
    kernels.push(...(await bind()));
    await runKernels(gpu, name, kernels);
    return await read();
  } finally {
    kernels.forEach((kernel) => kernel.destroy());
    Object.values(buffers).forEach((buffer) => buffer.destroy());
  }
}

function checkNeuronArrays(name: string, prefix: string, theta: NeuronArrays, shape: NeuronShape): void {
  const { width: m, inputDim: d } = shape;
  const parts: [string, ArrayLike<number> | undefined, number, string][] = [
    ['a', theta.a, m, `[${m}]`],
    ['W', theta.W, m * d, `[${m} x ${d}]`],
  ];
  if (shape.hasBias) parts.push(['b', theta.b, m, `[${m}]`]);
  else if (theta.b) throw new KernelArgumentError(name, `${prefix}b`, 'is given but hasBias is false');
  for (const [part, data, length, shapeText] of parts) {
    if (!data) throw new KernelArgumentError(name, `${prefix}${part}`, `is missing; shape ${shapeText} expected`);
    checkLength(name, `${prefix}${part}`, data, length, shapeText);
    checkFinite(name, `${prefix}${part}`, data);
  }
}

export interface NeuronMetricsResult {
  /** stats [3 x m] (rows STATS_ROWS). */
  readonly stats: Float32Array;
  /** summary [5] (SUMMARY_SLOTS). */
  readonly summary: Float32Array;
}

/** Uploads theta and theta(0), runs neuron_stats and summarize_neurons in one submit. */
export async function neuronMetrics(gpu: GpuContext, current: NeuronArrays, initial: NeuronArrays, shape: NeuronShape, livingThreshold: number): Promise<NeuronMetricsResult> {
  const name = 'particle-metrics/neuronMetrics';
  const { width: m, inputDim: d } = shape;
  checkWidth(name, m);
  checkSize(name, 'inputDim', d);
  checkThreshold(name, livingThreshold);
  checkNeuronArrays(name, '', current, shape);
  checkNeuronArrays(name, 'initial.', initial, shape);
  checkBufferSize(gpu, 'W', m * d * 4, name);
  const upload = (label: string, data: Float32Array) => createStorageBuffer(gpu, `${name}/${label}`, data);
  const buffers = {
    a: upload('a', current.a),
    W: upload('W', current.W),
    initialA: upload('initialA', initial.a),
    initialW: upload('initialW', initial.W),
    stats: createStorageBuffer(gpu, `${name}/stats`, 3 * m * 4),
    summary: createStorageBuffer(gpu, `${name}/summary`, SUMMARY_LENGTH * 4),
    ...(shape.hasBias ? { b: upload('b', current.b!), initialB: upload('initialB', initial.b!) } : {}),
  };
  return runAndRead(
    gpu,
    name,
    buffers,
    async () => [await bindNeuronStats(gpu, shape, buffers), await bindSummarizeNeurons(gpu, m, livingThreshold, buffers)],
    async () => ({ stats: await readFloat32(gpu, buffers.stats, 3 * m), summary: await readFloat32(gpu, buffers.summary, SUMMARY_LENGTH) }),
  );
}

export interface ActivityMetricsResult {
  /** activity [2 x m] (rows ACTIVITY_ROWS). */
  readonly activity: Uint32Array;
  /** activitySummary [2] (ACTIVITY_SUMMARY_SLOTS). */
  readonly activitySummary: Uint32Array;
}

/** Uploads H and H(0) [n x m], runs neuron_activity and summarize_activity in one submit. */
export async function activityMetrics(gpu: GpuContext, activation: Float32Array, initialActivation: Float32Array, shape: ActivityShape): Promise<ActivityMetricsResult> {
  const name = 'particle-metrics/activityMetrics';
  const { sampleCount: n, width: m } = shape;
  checkSize(name, 'sampleCount', n);
  checkWidth(name, m);
  checkBufferSize(gpu, 'activation', n * m * 4, name);
  for (const [argument, data] of [['activation', activation], ['initialActivation', initialActivation]] as const) {
    checkLength(name, argument, data, n * m, `[${n} x ${m}]`);
    checkFinite(name, argument, data);
  }
  const buffers = {
    activation: createStorageBuffer(gpu, `${name}/activation`, activation),
    initialActivation: createStorageBuffer(gpu, `${name}/initialActivation`, initialActivation),
    activity: createStorageBuffer(gpu, `${name}/activity`, 2 * m * 4),
    activitySummary: createStorageBuffer(gpu, `${name}/activitySummary`, 2 * 4),
  };
  return runAndRead(
    gpu,
    name,
    buffers,
    async () => [await bindNeuronActivity(gpu, shape, buffers), await bindSummarizeActivity(gpu, m, buffers)],
    async () => ({ activity: await readUint32(gpu, buffers.activity, 2 * m), activitySummary: await readUint32(gpu, buffers.activitySummary, 2) }),
  );
}
