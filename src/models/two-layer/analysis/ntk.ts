/**
 * The empirical NTK Gram of the analyzed network (docs/science.md section 0): its parts K^(a) (second layer)
 * and K^(w) (first layer, w and b), K = the sum over the trainable parts, and K's spectrum. float64 from the
 * closed forms by default; on the GPU (float32, src/metrics/ntk.ts) when given a device, for large n.
 */
import type { GpuContext } from '../../../gpu/device';
import { ntkGramParts } from '../../../float64/ntk';
import { computeNtkGram } from '../../../metrics/ntk';
import { symmetricEigenvalues } from '../../../core/spectrum';
import type { TwoLayerTrainerConfig } from '../../../core/network';
import type { AnalyzedNetwork } from './network-state';

export interface NtkAnalysis {
  /** Where the Gram was computed: "float64", or "gpu (<adapter>), float32". */
  readonly backend: string;
  /** K^(a) [n x n], whether or not the second layer trains. */
  readonly partA: Float64Array;
  /** K^(w) [n x n] (w and, with a bias, b), whether or not the first layer trains. */
  readonly partW: Float64Array;
  /** K [n x n]: the sum of the trainable parts, the kernel of GD's function-space dynamics df/dt = -(1/n) K l'. */
  readonly gram: Float64Array;
  /** K's eigenvalues, descending (float64). */
  readonly eigenvalues: Float64Array;
}

export async function ntkAnalysis(net: AnalyzedNetwork, gpu?: GpuContext): Promise<NtkAnalysis> {
  const { params, X, sampleCount: n, options } = net;
  const parts = gpu ? await gpuParts(gpu, net) : ntkGramParts(params, X, n, options);
  const trainable = options.trainable ?? 'both';
  const gram = new Float64Array(n * n);
  for (let e = 0; e < n * n; e++) gram[e] = (trainable !== 'first' ? parts.a[e]! : 0) + (trainable !== 'second' ? parts.w[e]! : 0);
  return {
    backend: gpu ? `gpu (${gpu.adapterDescription}), float32` : 'float64',
    partA: parts.a,
    partW: parts.w,
    gram,
    eigenvalues: symmetricEigenvalues(gram, n),
  };
}

/** K^(a) and K^(w) as the GPU's Gram of the second and of the first layer alone. */
async function gpuParts(gpu: GpuContext, net: AnalyzedNetwork): Promise<{ a: Float64Array; w: Float64Array }> {
  const { params, X } = net;
  const trainer: TwoLayerTrainerConfig = net.problem.trainer;
  const weights = { a: Float32Array.from(params.a), W: Float32Array.from(params.W), ...(params.b ? { b: Float32Array.from(params.b) } : {}) };
  const inputs = Float32Array.from(X);
  const a = await computeNtkGram(gpu, { ...trainer, trainable: 'second' }, weights, inputs);
  const w = await computeNtkGram(gpu, { ...trainer, trainable: 'first' }, weights, inputs);
  return { a: Float64Array.from(a), w: Float64Array.from(w) };
}
