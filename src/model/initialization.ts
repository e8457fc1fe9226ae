/**
 * Initial parameters from the counter-based generator: a_j ~ N(0, aStd^2), w_j ~ N(0, I_d / d),
 * b_j ~ N(0, 1/d) when present. The same (seed, sizes) give the same numbers on every backend.
 */
import { RANDOM_STREAMS } from './conventions';
import { normalArray } from '../reference/random';
import type { TwoLayerWeights } from './two-layer-trainer';

export interface InitializationSpec {
  readonly seed: number;
  readonly width: number;
  readonly inputDim: number;
  readonly hasBias: boolean;
  /** Standard deviation of a (default 1; SCIENCE.md section 2's gamma). */
  readonly aStd?: number;
}

export function initialWeights({ seed, width: m, inputDim: d, hasBias, aStd = 1 }: InitializationSpec): TwoLayerWeights {
  const wStd = 1 / Math.sqrt(d);
  const a = new Float32Array(normalArray(seed, RANDOM_STREAMS.initA, 0, m, 0, aStd));
  const W = new Float32Array(normalArray(seed, RANDOM_STREAMS.initW, 0, m * d, 0, wStd));
  return hasBias ? { a, W, b: new Float32Array(normalArray(seed, RANDOM_STREAMS.initB, 0, m, 0, wStd)) } : { a, W };
}
