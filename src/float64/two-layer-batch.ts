/**
 * float64 twins of the two-layer-batch kernels, built network by network from the single-network
 * twins of src/float64/two-layer.ts: network k's unpadded slice (width m_k) goes in, its results are
 * written back padded with zeros. Nothing here reads the padding, so the twins cannot mask a kernel
 * that does.
 */
import { particleLearningRate } from '../core/conventions';
import type { BatchProblem, BatchShape } from '../core/batched-network';
import { batchRowLength } from '../core/batched-network';
import type { LossKind } from '../core/conventions';
import { meanLoss, neuronGrads, outputLoss, type HeadShape } from './two-layer';

/** Network k's H_k [n x m_k] and a_k [m_k], cut out of H [N x n x M] and a [N x M]. */
function networkSlice(shape: BatchShape, activation: ArrayLike<number>, a: ArrayLike<number>, k: number, m: number): { H: Float64Array; a: Float64Array } {
  const { sampleCount: n, maxWidth: M } = shape;
  const H = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) H[i * m + j] = activation[(k * n + i) * M + j]!;
  return { H, a: Float64Array.from({ length: m }, (_, j) => a[k * M + j]!) };
}

function headShape(problem: BatchProblem, k: number): HeadShape {
  const { scaling, alpha } = problem.settings;
  return { sampleCount: problem.shape.sampleCount, width: problem.networks[k]!.width, scaling, alpha: alpha ?? 1 };
}

/** Twin of batch_output_loss: f, l, g [N x n], each network by outputLoss at its own width. */
export function batchOutputLoss(problem: BatchProblem, loss: LossKind, activation: ArrayLike<number>, a: ArrayLike<number>, y: ArrayLike<number>) {
  const { networkCount: N, sampleCount: n } = problem.shape;
  const result = { output: new Float64Array(N * n), loss: new Float64Array(N * n), outputGrad: new Float64Array(N * n) };
  problem.networks.forEach(({ width }, k) => {
    const slice = networkSlice(problem.shape, activation, a, k, width);
    const single = outputLoss(slice.H, slice.a, Array.from({ length: n }, (_, i) => y[k * n + i]!), headShape(problem, k), loss);
    result.output.set(single.output, k * n);
    result.loss.set(single.loss, k * n);
    result.outputGrad.set(single.outputGrad, k * n);
  });
  return result;
}

/** Twin of batch_mean_loss: L_k = (1/n) sum_i l_ki, [N]. */
export function batchMeanLoss(shape: BatchShape, loss: ArrayLike<number>): Float64Array {
  const { networkCount: N, sampleCount: n } = shape;
  return Float64Array.from({ length: N }, (_, k) => meanLoss(Array.from({ length: n }, (_, i) => loss[k * n + i]!)));
}

/** Twin of batch_neuron_grads: gradA (and gradB) [N x M], zero at padded neurons. */
export function batchNeuronGrads(problem: BatchProblem, activation: ArrayLike<number>, a: ArrayLike<number>, outputGrad: ArrayLike<number>) {
  const { networkCount: N, sampleCount: n, maxWidth: M, hasBias } = problem.shape;
  const gradA = new Float64Array(N * M);
  const gradB = new Float64Array(N * M);
  problem.networks.forEach(({ width }, k) => {
    const slice = networkSlice(problem.shape, activation, a, k, width);
    const g = Array.from({ length: n }, (_, i) => outputGrad[k * n + i]!);
    const single = neuronGrads(slice.H, slice.a, g, headShape(problem, k), hasBias);
    gradA.set(single.gradA, k * M);
    if (single.gradB) gradB.set(single.gradB, k * M);
  });
  return hasBias ? { gradA, gradB } : { gradA };
}

/**
 * Twin of batch_update: for j < m_k, a -= c_a gradA, W -= c_w gradW, b -= c_w gradB with
 * c = particleLearningRate(scaling, lr_k, m_k) for a trained layer and 0 for a frozen one; padded
 * entries are copied through untouched.
 */
export function batchUpdate(
  problem: BatchProblem,
  inputs: { a: ArrayLike<number>; firstLayer: ArrayLike<number>; gradA: ArrayLike<number>; gradW: ArrayLike<number>; gradB?: ArrayLike<number> },
): { a: Float64Array; firstLayer: Float64Array } {
  const { maxWidth: M, inputDim: d } = problem.shape;
  const R = batchRowLength(problem.shape);
  const { scaling, trainable } = problem.settings;
  const a = Float64Array.from(inputs.a);
  const firstLayer = Float64Array.from(inputs.firstLayer);
  problem.networks.forEach(({ width, learningRate }, k) => {
    const step = particleLearningRate(scaling, learningRate, width);
    for (let j = 0; j < width; j++) {
      const neuron = k * M + j;
      if (trainable !== 'first') a[neuron]! -= step * inputs.gradA[neuron]!;
      if (trainable === 'second') continue;
      for (let c = 0; c < d; c++) firstLayer[neuron * R + c]! -= step * inputs.gradW[neuron * R + c]!;
      if (inputs.gradB) firstLayer[neuron * R + d]! -= step * inputs.gradB[neuron]!;
    }
  });
  return { a, firstLayer };
}
