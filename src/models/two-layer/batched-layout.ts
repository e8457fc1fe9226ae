/**
 * The padded layout of a batch of N networks (shaders/two-layer-batch.wgsl.ts), to and from the
 * per-network layout of src/core/conventions.ts:
 *   a [N x M], first layer [N x M x R] (row j = (w_j, b_j) with a bias), X [N x n x R] (a trailing 1
 *   with a bias), y [N x n]; R = d (+1 with a bias). Rows and entries j >= m_k are exact zeros.
 */
import { batchRowLength, type BatchShape } from '../../core/batched-network';
import type { TrainingSet, TwoLayerWeights } from '../../core/network';

/** Network k's weights (width m_k) written into the padded arrays a [N x M] and firstLayer [N x M x R]. */
export function padWeights(shape: BatchShape, weights: readonly TwoLayerWeights[]): { a: Float32Array; firstLayer: Float32Array } {
  const { networkCount: N, maxWidth: M, inputDim: d } = shape;
  const R = batchRowLength(shape);
  const a = new Float32Array(N * M);
  const firstLayer = new Float32Array(N * M * R);
  weights.forEach((network, k) => {
    const m = network.a.length;
    a.set(network.a, k * M);
    for (let j = 0; j < m; j++) {
      const row = (k * M + j) * R;
      firstLayer.set(network.W.subarray(j * d, (j + 1) * d), row);
      if (network.b) firstLayer[row + d] = network.b[j]!;
    }
  });
  return { a, firstLayer };
}

/** Network k's weights of width m (a [m], W [m x d], b [m] with a bias) read out of the padded arrays. */
export function unpadWeights(shape: BatchShape, padded: { a: Float32Array; firstLayer: Float32Array }, k: number, m: number): TwoLayerWeights {
  const { maxWidth: M, inputDim: d, hasBias } = shape;
  const R = batchRowLength(shape);
  const a = padded.a.slice(k * M, k * M + m);
  const W = new Float32Array(m * d);
  const b = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    const row = (k * M + j) * R;
    W.set(padded.firstLayer.subarray(row, row + d), j * d);
    if (hasBias) b[j] = padded.firstLayer[row + d]!;
  }
  return hasBias ? { a, W, b } : { a, W };
}

/**
 * X [N x n x R] and y [N x n] from one data set per network, or from one shared data set copied
 * N times (the batched matmul has no broadcast stride, so shared data is replicated once here).
 */
export function batchTrainingSets(shape: BatchShape, data: readonly TrainingSet[]): TrainingSet {
  const { networkCount: N, sampleCount: n, inputDim: d } = shape;
  const R = batchRowLength(shape);
  const X = new Float32Array(N * n * R);
  const y = new Float32Array(N * n);
  for (let k = 0; k < N; k++) {
    const set = data[data.length === 1 ? 0 : k]!;
    y.set(set.y, k * n);
    for (let i = 0; i < n; i++) {
      const row = (k * n + i) * R;
      X.set(set.X.subarray(i * d, (i + 1) * d), row);
      if (R > d) X[row + d] = 1;
    }
  }
  return { X, y };
}
