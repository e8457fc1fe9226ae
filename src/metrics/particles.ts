/**
 * Particle metrics of the two-layer network f(x) = s_m sum_j a_j sigma(w_j . x + b_j), with neuron
 * j the particle theta_j = (a_j, w_j, b_j) (docs/science.md sections 2, 3, 5):
 *
 *   distance from initialisation   max_j |theta_j - theta_j(0)| and sqrt((1/m) sum_j |theta_j - theta_j(0)|^2)
 *   path norm                      sum_j |a_j| |(w_j, b_j)|            (sum_j |a_j| |w_j| without a bias)
 *   magnitudes                     |a_j| |w_j| per neuron (quenching-activation preset)
 *   living neurons                 #{j : |a_j| |w_j| > threshold * max_k |a_k| |w_k|}  (default 10%)
 *   activated neurons              #{j : H_ij > 0 for some sample i}
 *   activation-pattern change      #{(i, j) : 1[H_ij > 0] != 1[H_ij(0) > 0]} / (n m), H and H(0) on the same samples
 *   direction clusters             living neurons grouped by the angle of w_j / |w_j| (cosine > 0.99)
 *
 * The O(m d) and O(n m) parts run on the GPU (src/kernels/particle-metrics.ts); the clustering runs
 * on the CPU after reading W back: greedy and deterministic, O(L log L + L C d) for L living
 * neurons and C clusters, so at most m * maxClusters * d (default maxClusters 256).
 */
import type { GpuContext } from '../gpu/device';
import {
  ACTIVITY_SUMMARY_SLOTS,
  STATS_ROWS,
  SUMMARY_SLOTS,
  activityMetrics,
  neuronMetrics,
  type NeuronArrays,
} from '../kernels/particle-metrics';
import { checkLength, checkSize } from '../gpu/validate';
import * as reference from '../float64/particle-metrics';

const NAME = 'metrics/particleMetrics';

export interface ParticleMetricsOptions {
  /** Living means |a_j| |w_j| > livingThreshold * max_k |a_k| |w_k|. Default 0.1 (docs/science.md section 3). */
  readonly livingThreshold?: number;
  /** Two living neurons share a direction cluster when the cosine of their w's exceeds this. Default 0.99. */
  readonly clusterCosine?: number;
  /** Clusters counted at most; past it the count stops and `clustersSaturated` is set. Default 256. */
  readonly maxClusters?: number;
}

/** H and H(0) [n x m] on the same n samples (pre-activations or the 0/1 mask serve as well). */
export interface ActivationSnapshots {
  readonly sampleCount: number;
  readonly current: ArrayLike<number>;
  readonly initial: ArrayLike<number>;
}

export interface ParticleMetrics extends reference.NeuronSummary {
  /** |a_j| |w_j| [m]. */
  readonly magnitudes: ArrayLike<number>;
  readonly clusterCount: number;
  /** True when maxClusters was reached (clusterCount is then a lower bound). */
  readonly clustersSaturated: boolean;
  /** With activations: neurons active on at least one sample. */
  readonly activatedCount?: number;
  /** With activations: fraction of the n m mask entries that changed since initialisation. */
  readonly maskChangeFraction?: number;
}

export interface DirectionClusters {
  readonly count: number;
  readonly saturated: boolean;
  /** Cluster of each neuron, -1 for neurons left out (not members, zero w, or past saturation). */
  readonly labels: Int32Array;
}

/**
 * Greedy clustering of the directions w_j / |w_j| of the member neurons: members are visited by
 * decreasing `order` key (ties by index), each joins the first cluster (in creation order) whose
 * founder's direction has cosine > `cosine` with its own, or founds a new one.
 */
export function directionClusters(
  W: ArrayLike<number>,
  width: number,
  inputDim: number,
  members: ArrayLike<boolean>,
  order: ArrayLike<number>,
  cosine = 0.99,
  maxClusters = 256,
): DirectionClusters {
  if (!(cosine >= -1 && cosine <= 1)) throw new RangeError(`directionClusters: cosine must be in [-1, 1], got ${cosine}`);
  if (!Number.isInteger(maxClusters) || maxClusters < 1) throw new RangeError(`directionClusters: maxClusters must be a positive integer, got ${maxClusters}`);
  const labels = new Int32Array(width).fill(-1);
  const visit = Array.from({ length: width }, (_, j) => j)
    .filter((j) => members[j])
    .sort((p, q) => order[q]! - order[p]! || p - q);
  // Founders' unit directions, row c = cluster c.
  const founders = new Float64Array(Math.min(maxClusters, visit.length) * inputDim);
  const direction = new Float64Array(inputDim);
  let count = 0;
  let saturated = false;
  for (const j of visit) {
    let normSquared = 0;
    for (let k = 0; k < inputDim; k++) normSquared += W[j * inputDim + k]! ** 2;
    if (normSquared === 0) continue;
    const norm = Math.sqrt(normSquared);
    for (let k = 0; k < inputDim; k++) direction[k] = W[j * inputDim + k]! / norm;
    let cluster = -1;
    for (let c = 0; c < count && cluster < 0; c++) {
      let dot = 0;
      for (let k = 0; k < inputDim; k++) dot += founders[c * inputDim + k]! * direction[k]!;
      if (dot > cosine) cluster = c;
    }
    if (cluster < 0 && count < maxClusters) {
      founders.set(direction, count * inputDim);
      cluster = count++;
    }
    if (cluster >= 0) labels[j] = cluster;
    else saturated = true;
  }
  return { count, saturated, labels };
}

function resolve(options: ParticleMetricsOptions) {
  return { livingThreshold: options.livingThreshold ?? 0.1, clusterCosine: options.clusterCosine ?? 0.99, maxClusters: options.maxClusters ?? 256 };
}

/** Living mask and clusters from the per-neuron magnitudes (the same comparison as the summary kernel). */
function clustersOf(W: ArrayLike<number>, width: number, inputDim: number, magnitudes: ArrayLike<number>, livingFloor: number, options: ReturnType<typeof resolve>) {
  const living = Array.from({ length: width }, (_, j) => magnitudes[j]! > livingFloor);
  const clusters = directionClusters(W, width, inputDim, living, magnitudes, options.clusterCosine, options.maxClusters);
  return { clusterCount: clusters.count, clustersSaturated: clusters.saturated };
}

/** Particle metrics on the GPU (float32); `activations` adds the activated count and the mask-change fraction. */
export async function particleMetrics(
  gpu: GpuContext,
  shape: { readonly width: number; readonly inputDim: number },
  current: NeuronArrays,
  initial: NeuronArrays,
  options: ParticleMetricsOptions = {},
  activations?: { readonly sampleCount: number; readonly current: Float32Array; readonly initial: Float32Array },
): Promise<ParticleMetrics> {
  const resolved = resolve(options);
  const { width: m, inputDim: d } = shape;
  if (activations) {
    // Checked before the first dispatch, like every other argument.
    const { sampleCount: n } = activations;
    checkSize(NAME, 'activations.sampleCount', n);
    checkLength(NAME, 'activations.current', activations.current, n * m, `[${n} x ${m}]`);
    checkLength(NAME, 'activations.initial', activations.initial, n * m, `[${n} x ${m}]`);
  }
  const { stats, summary } = await neuronMetrics(gpu, current, initial, { width: m, inputDim: d, hasBias: current.b !== undefined }, resolved.livingThreshold);
  const magnitudes = stats.subarray(STATS_ROWS.magnitude * m, (STATS_ROWS.magnitude + 1) * m);
  const maxMagnitude = summary[SUMMARY_SLOTS.maxMagnitude]!;
  // The kernel compares in float32: magnitude > fl(threshold * max).
  const livingFloor = Math.fround(Math.fround(resolved.livingThreshold) * maxMagnitude);
  const result: ParticleMetrics = {
    maxDisplacement: summary[SUMMARY_SLOTS.maxDisplacement]!,
    rmsDisplacement: summary[SUMMARY_SLOTS.rmsDisplacement]!,
    pathNorm: summary[SUMMARY_SLOTS.pathNorm]!,
    maxMagnitude,
    livingCount: summary[SUMMARY_SLOTS.livingCount]!,
    magnitudes,
    ...clustersOf(current.W, m, d, magnitudes, livingFloor, resolved),
  };
  if (!activations) return result;
  const n = activations.sampleCount;
  const { activitySummary } = await activityMetrics(gpu, activations.current, activations.initial, { sampleCount: n, width: m });
  return {
    ...result,
    activatedCount: activitySummary[ACTIVITY_SUMMARY_SLOTS.activatedCount]!,
    maskChangeFraction: activitySummary[ACTIVITY_SUMMARY_SLOTS.changedEntryCount]! / (n * m),
  };
}

/** float64 twin of particleMetrics (same definitions, CPU). */
export function particleMetricsFloat64(
  shape: { readonly width: number; readonly inputDim: number },
  current: reference.NeuronValues,
  initial: reference.NeuronValues,
  options: ParticleMetricsOptions = {},
  activations?: ActivationSnapshots,
): ParticleMetrics {
  const resolved = resolve(options);
  const { width: m, inputDim: d } = shape;
  const stats = reference.neuronStats(current, initial, m, d);
  const summary = reference.summarizeNeurons(stats, resolved.livingThreshold);
  const result: ParticleMetrics = {
    ...summary,
    magnitudes: stats.magnitude,
    ...clustersOf(current.W, m, d, stats.magnitude, resolved.livingThreshold * summary.maxMagnitude, resolved),
  };
  if (!activations) return result;
  const n = activations.sampleCount;
  const activity = reference.summarizeActivity(reference.neuronActivity(activations.current, activations.initial, n, m));
  return { ...result, activatedCount: activity.activatedCount, maskChangeFraction: activity.changedEntryCount / (n * m) };
}
