/**
 * float64 twins of the particle-metrics kernels, written from the definitions:
 * neuron j is theta_j = (a_j, w_j, b_j); an entry of H [n x m] is active iff H_ij > 0.
 */
import type { NetworkParameters } from '../core/network';

/** theta = (a [m], W [m x d], b [m] optional). */
export type NeuronValues = NetworkParameters<ArrayLike<number>>;

export interface NeuronStats {
  /** |a_j| |w_j| [m]. */
  readonly magnitude: Float64Array;
  /** |a_j| |(w_j, b_j)| [m]. */
  readonly pathTerm: Float64Array;
  /** |theta_j - theta_j(0)| [m]. */
  readonly displacement: Float64Array;
}

/** Twin of neuron_stats. */
export function neuronStats(current: NeuronValues, initial: NeuronValues, width: number, inputDim: number): NeuronStats {
  const magnitude = new Float64Array(width);
  const pathTerm = new Float64Array(width);
  const displacement = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    let weightSquared = 0;
    let movedSquared = (current.a[j]! - initial.a[j]!) ** 2;
    for (let k = 0; k < inputDim; k++) {
      weightSquared += current.W[j * inputDim + k]! ** 2;
      movedSquared += (current.W[j * inputDim + k]! - initial.W[j * inputDim + k]!) ** 2;
    }
    const biasSquared = current.b ? current.b[j]! ** 2 : 0;
    if (current.b && initial.b) movedSquared += (current.b[j]! - initial.b[j]!) ** 2;
    magnitude[j] = Math.abs(current.a[j]!) * Math.sqrt(weightSquared);
    pathTerm[j] = Math.abs(current.a[j]!) * Math.sqrt(weightSquared + biasSquared);
    displacement[j] = Math.sqrt(movedSquared);
  }
  return { magnitude, pathTerm, displacement };
}

export interface NeuronSummary {
  /** max_j |theta_j - theta_j(0)|. */
  readonly maxDisplacement: number;
  /** sqrt((1/m) sum_j |theta_j - theta_j(0)|^2). */
  readonly rmsDisplacement: number;
  /** sum_j |a_j| |(w_j, b_j)|. */
  readonly pathNorm: number;
  /** max_j |a_j| |w_j|. */
  readonly maxMagnitude: number;
  /** #{j : |a_j| |w_j| > livingThreshold * maxMagnitude}. */
  readonly livingCount: number;
}

/** Twin of summarize_neurons. */
export function summarizeNeurons(stats: NeuronStats, livingThreshold: number): NeuronSummary {
  const m = stats.magnitude.length;
  let maxDisplacement = 0;
  let squaredSum = 0;
  let pathNorm = 0;
  let maxMagnitude = 0;
  for (let j = 0; j < m; j++) {
    maxDisplacement = Math.max(maxDisplacement, stats.displacement[j]!);
    squaredSum += stats.displacement[j]! ** 2;
    pathNorm += stats.pathTerm[j]!;
    maxMagnitude = Math.max(maxMagnitude, stats.magnitude[j]!);
  }
  const livingCount = stats.magnitude.filter((value) => value > livingThreshold * maxMagnitude).length;
  return { maxDisplacement, rmsDisplacement: Math.sqrt(squaredSum / m), pathNorm, maxMagnitude, livingCount };
}

export interface NeuronActivity {
  /** #{i : H_ij > 0} [m]. */
  readonly activeSamples: Float64Array;
  /** #{i : 1[H_ij > 0] != 1[H_ij(0) > 0]} [m]. */
  readonly changedEntries: Float64Array;
}

/** Twin of neuron_activity on H and H(0) [n x m]. */
export function neuronActivity(activation: ArrayLike<number>, initialActivation: ArrayLike<number>, sampleCount: number, width: number): NeuronActivity {
  const activeSamples = new Float64Array(width);
  const changedEntries = new Float64Array(width);
  for (let i = 0; i < sampleCount; i++) {
    for (let j = 0; j < width; j++) {
      const now = activation[i * width + j]! > 0;
      if (now) activeSamples[j]!++;
      if (now !== initialActivation[i * width + j]! > 0) changedEntries[j]!++;
    }
  }
  return { activeSamples, changedEntries };
}

/** Twin of summarize_activity: activated neurons (active on at least one sample) and changed entries. */
export function summarizeActivity(activity: NeuronActivity): { activatedCount: number; changedEntryCount: number } {
  return {
    activatedCount: activity.activeSamples.filter((count) => count > 0).length,
    changedEntryCount: activity.changedEntries.reduce((sum, count) => sum + count, 0),
  };
}
