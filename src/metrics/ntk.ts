/**
 * The empirical NTK Gram of the two-layer network on the GPU and its spectrum on the CPU
 * (docs/science.md sections 0 and 2):
 *
 *   features[0]  = H = relu(X W^T + b)             matmul (bias-relu epilogue)
 *   features[1]  = Ma = M diag(|a|)                ntk_masked_scale
 *   products[b]  = features[b] features[b]^T       one batched matmul (batch 2, transB)
 *   G            = X X^T                           matmul (transB)
 *   K            = s^2 [products[0] + products[1] .* (G + 1[bias])]   ntk_combine
 *
 * K (n x n) is read back and eigen-solved in float64 with ml-matrix (lambda_min bounds the loss
 * decay rate, section 2). The float64 twin (src/float64/ntk.ts) builds K from per-sample gradients.
 * A centered model (f_alpha = alpha (f_theta - f_theta0)) has the same K: f0 is a constant, and alpha is
 * already in the output scale, so no offset enters here.
 */
import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { runKernels, type BoundKernel } from '../gpu/kernel';
import { checkSize } from '../gpu/validate';
import { checkNetworkArrays, uploadNetwork } from './host-inputs';
import { bindMatmul, matmulVariant } from '../kernels/matmul';
import { resolveMatmulAlgorithm } from '../kernels/matmul-autotune';
import { bindNtkCombine, bindNtkMaskedScale } from '../kernels/ntk';
import type { TwoLayerWeights, NetworkParameters, TwoLayerTrainerConfig } from '../core/network';
import { symmetricEigenvalues } from '../core/spectrum';

const NAME = 'ntk';

/**
 * The network and its n samples (K is n x n). `trainable` is optional here (default 'both') and selects the
 * kernel of the trainable parameters only: 'second' gives K^(a), 'first' K^(w) + K^(b).
 */
export type GpuNtkConfig = Pick<TwoLayerTrainerConfig, 'width' | 'inputDim' | 'sampleCount' | 'scaling' | 'alpha' | 'hasBias' | 'matmulAlgorithm'> &
  Partial<Pick<TwoLayerTrainerConfig, 'trainable'>>;

/** GPU buffers X [n x d], a [m], W [m x d], b [m] (exactly when hasBias). */
export interface GpuNtkInputs extends NetworkParameters<GPUBuffer> {
  readonly X: GPUBuffer;
}

/** The NTK Gram at the weights in `inputs`, recomputed by every `compute()` (so it follows training). */
export class GpuNtk {
  private constructor(
    private readonly gpu: GpuContext,
    readonly config: GpuNtkConfig,
    private readonly buffers: Record<string, GPUBuffer>,
    private readonly kernels: readonly BoundKernel[],
  ) {}

  static async create(gpu: GpuContext, config: GpuNtkConfig, inputs: GpuNtkInputs): Promise<GpuNtk> {
    const { width: m, inputDim: d, sampleCount: n, hasBias } = config;
    for (const key of ['width', 'inputDim', 'sampleCount'] as const) checkSize(NAME, key, config[key]);
    if (hasBias !== (inputs.b !== undefined)) {
      throw new KernelArgumentError(NAME, 'inputs.b', hasBias ? 'is required when hasBias is set' : 'is given but hasBias is not set');
    }
    const trainable = config.trainable ?? 'both';
    const shape = { sampleCount: n, width: m, scaling: config.scaling, alpha: config.alpha ?? 1 };
    const algorithm = await resolveMatmulAlgorithm(gpu, config.matmulAlgorithm ?? 'register');
    const buffer = (label: string, elementCount: number) => createStorageBuffer(gpu, `${NAME}/${label}`, elementCount * 4);
    const own = {
      features: buffer('features', 2 * n * m),
      featureProducts: buffer('featureProducts', 2 * n * n),
      inputGram: buffer('inputGram', n * n),
      gram: buffer('gram', n * n),
    };
    const kernels = [
      await bindMatmul(gpu, matmulVariant({ algorithm, transB: true, epilogue: hasBias ? 'bias-relu' : 'relu' }), { batch: 1, m: n, n: m, k: d }, {
        a: inputs.X, b: inputs.W, c: own.features, ...(inputs.b ? { bias: inputs.b } : {}),
      }),
      await bindNtkMaskedScale(gpu, shape, { features: own.features, a: inputs.a }),
      await bindMatmul(gpu, matmulVariant({ algorithm, transB: true }), { batch: 2, m: n, n, k: m }, { a: own.features, b: own.features, c: own.featureProducts }),
      await bindMatmul(gpu, matmulVariant({ algorithm, transB: true }), { batch: 1, m: n, n, k: d }, { a: inputs.X, b: inputs.X, c: own.inputGram }),
      await bindNtkCombine(gpu, shape, trainable, hasBias, own),
    ];
    return new GpuNtk(gpu, { ...config, trainable }, own, kernels);
  }

  /** K [n x n] on the GPU (valid after `compute` or `encode`). */
  get gramBuffer(): GPUBuffer {
    return this.buffers.gram!;
  }

  /** Records the Gram's kernels into a compute pass (for a scheduler that batches work). */
  encode(pass: GPUComputePassEncoder): void {
    for (const kernel of this.kernels) kernel.encode(pass);
  }

  /** Computes K and reads it back, row-major [n x n]. */
  async compute(): Promise<Float32Array> {
    await runKernels(this.gpu, `${NAME}/gram`, this.kernels);
    const n = this.config.sampleCount;
    return readFloat32(this.gpu, this.buffers.gram!, n * n);
  }

  destroy(): void {
    for (const kernel of this.kernels) kernel.destroy();
    for (const buffer of Object.values(this.buffers)) buffer.destroy();
  }
}

/** Uploads host weights and inputs X [n x d], computes K [n x n] on the GPU, frees everything. */
export async function computeNtkGram(gpu: GpuContext, config: GpuNtkConfig, weights: TwoLayerWeights, X: Float32Array): Promise<Float32Array> {
  checkNetworkArrays(NAME, config, weights, { X });
  const inputs = uploadNetwork(gpu, NAME, weights, { X });
  let ntk: GpuNtk | undefined;
  try {
    ntk = await GpuNtk.create(gpu, config, inputs);
    return await ntk.compute();
  } finally {
    ntk?.destroy();
    Object.values(inputs).forEach((buffer) => buffer.destroy());
  }
}

export interface NtkSpectrum {
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /** All eigenvalues, descending. */
  readonly eigenvalues: Float64Array;
}

/** Eigenvalues of the symmetric Gram K [n x n] (float64, ml-matrix; K is symmetrised first). */
export function ntkSpectrum(K: ArrayLike<number>, sampleCount: number): NtkSpectrum {
  const eigenvalues = symmetricEigenvalues(K, sampleCount);
  return { lambdaMax: eigenvalues[0]!, lambdaMin: eigenvalues[sampleCount - 1]!, eigenvalues };
}

/** |K - K0|_F / |K0|_F, the laziness measure of docs/science.md section 2. */
export function relativeKernelChange(K: ArrayLike<number>, K0: ArrayLike<number>): number {
  if (K.length !== K0.length) throw new RangeError(`relativeKernelChange: K has ${K.length} entries, K0 has ${K0.length}`);
  let difference = 0;
  let reference = 0;
  for (let e = 0; e < K0.length; e++) {
    difference += (K[e]! - K0[e]!) ** 2;
    reference += K0[e]! ** 2;
  }
  if (!(reference > 0)) throw new RangeError('relativeKernelChange: K0 is zero');
  return Math.sqrt(difference / reference);
}
