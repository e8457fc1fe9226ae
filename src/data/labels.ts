/**
 * Label helpers of the sign-labelled synthetic sets, both built on the keyed permutation of the random
 * family (src/core/random.ts sampleBatchIndices without replacement), so counts are exact:
 * balanced class assignment, and flipping exactly round(fraction * n) labels. Also which losses need
 * labels -1 and +1, and where a label set breaks that.
 */
import { RANDOM_STREAMS, type LossKind } from '../core/conventions';
import { sampleBatchIndices } from '../core/random';
import { makeDataset, type Dataset } from '../core/dataset';

/**
 * class_i = pi(i) mod classCount for the keyed permutation pi of [0, n) (stream `dataLabels`):
 * classes in random order with counts that differ by at most one.
 */
export function balancedClasses(seed: number, step: number, sampleCount: number, classCount: number): Uint32Array {
  const permutation = sampleBatchIndices(seed, RANDOM_STREAMS.dataLabels, step, sampleCount, sampleCount, false);
  return permutation.map((p) => p % classCount);
}

/** The result of flipping: the noisy labels, the clean ones, and the flipped samples (ascending). */
export interface FlippedLabels {
  readonly y: Float32Array;
  readonly cleanLabels: Float32Array;
  readonly flippedIndices: Uint32Array;
}

/**
 * Flips y_i -> -y_i for exactly round(fraction * n) samples: the first positions of the keyed
 * permutation of stream `labelNoise` at `step`, which are distinct.
 */
export function flipLabels(clean: Float32Array, fraction: number, seed: number, step: number): FlippedLabels {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`flipLabels: fraction must lie in [0, 1], got ${fraction}`);
  const n = clean.length;
  const flipCount = Math.round(fraction * n);
  const flippedIndices = flipCount > 0 ? sampleBatchIndices(seed, RANDOM_STREAMS.labelNoise, step, n, flipCount, false).sort() : new Uint32Array(0);
  const y = Float32Array.from(clean);
  for (const i of flippedIndices) y[i] = -y[i]!;
  return { y, cleanLabels: Float32Array.from(clean), flippedIndices };
}

/** The fields of a sign-labelled spec that labelling reads. */
export interface SignLabelling {
  readonly seed: number;
  readonly inputDim: number;
  readonly flipFraction: number;
}

/**
 * A 'sign' Dataset from clean labels +-1, with round(flipFraction * n) of them flipped and recorded;
 * `step` is the part's stream step (train 0, test 1); the flip count is appended to `description`.
 */
export function signDataset(
  spec: SignLabelling,
  step: number,
  { X, clean, description, direction }: { X: Float32Array; clean: Float32Array; description: string; direction?: Float32Array },
): Dataset {
  const flips = spec.flipFraction > 0 ? flipLabels(clean, spec.flipFraction, spec.seed, step) : undefined;
  const flipText = flips ? `, ${flips.flippedIndices.length} of ${clean.length} labels flipped` : '';
  return makeDataset({
    X,
    y: flips ? flips.y : clean,
    inputDim: spec.inputDim,
    labelKind: 'sign',
    description: `${description}${flipText}.`,
    ...(direction ? { direction } : {}),
    ...(flips ? { cleanLabels: flips.cleanLabels, flippedIndices: flips.flippedIndices } : {}),
  });
}

/** Whether a loss is defined on labels -1 and +1 only (the margin losses), as the CSV label check holds too. */
export function needsSignLabels(loss: LossKind): boolean {
  return loss !== 'square';
}

/** The index of the first label that is neither -1 nor +1, or -1 when all are. */
export function firstNonSignLabel(y: ArrayLike<number>): number {
  for (let i = 0; i < y.length; i++) if (y[i] !== 1 && y[i] !== -1) return i;
  return -1;
}
