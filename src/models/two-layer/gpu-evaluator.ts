/**
 * Metrics of the current GPU weights on a whole data set (train or test): loss, accuracy for +-1
 * labels, and the norm of the full gradient. Reuses the trainer's passes on the same weight
 * buffers, so nothing is copied to the CPU except n outputs and the gradient vectors. A centered model
 * measures f - f0 on this set, with f0 taken from the weights at creation (create it before any step).
 */
import { createStorageBuffer, readFloat32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { submitKernels } from '../../gpu/kernel';
import { bindTwoLayerPasses, computeOutputOffset, type TwoLayerPasses, type WeightBuffers } from './passes';
import { type NetworkSpec } from '../../core/network';
import type { TrainingSet } from '../../core/network';

export interface Evaluation {
  readonly loss: number;
  /** Fraction of samples with sign(f) = y, for +-1 labels; NaN for regression targets. */
  readonly accuracy: number;
  /** The full gradient (a, W, b), when requested. */
  readonly gradients?: { gradA: Float32Array; gradW: Float32Array; gradB?: Float32Array };
}

export class GpuEvaluator {
  private constructor(
    private readonly gpu: GpuContext,
    private readonly passes: TwoLayerPasses,
    private readonly owned: GPUBuffer[],
    private readonly labels: Float32Array,
    private readonly signLabels: boolean,
  ) {}

  static async create(gpu: GpuContext, spec: NetworkSpec, data: TrainingSet, weights: WeightBuffers, label: string): Promise<GpuEvaluator> {
    const n = data.y.length;
    const X = createStorageBuffer(gpu, `${label}/X`, data.X);
    const y = createStorageBuffer(gpu, `${label}/y`, data.y);
    const lossLog = createStorageBuffer(gpu, `${label}/loss`, 4);
    // Centered: f0 on this set from the weights as they are now, i.e. the initial ones.
    const outputOffset = spec.centered ? await computeOutputOffset(gpu, spec, { sampleCount: n, X, y }, weights, label) : undefined;
    const passes = await bindTwoLayerPasses(gpu, spec, { sampleCount: n, X, y, lossLog, ...(outputOffset ? { outputOffset } : {}) }, weights, { backward: true, firstLayerGradient: true }, label);
    const signLabels = data.y.every((v) => v === 1 || v === -1);
    return new GpuEvaluator(gpu, passes, [X, y, lossLog, ...(outputOffset ? [outputOffset] : [])], data.y, signLabels);
  }

  /**
   * Loss, accuracy and (withGradient) the gradients at the current weights. The passes and every read are
   * queued at once, before the first await: one round trip to the GPU, and a step queued after this call
   * cannot change what it reads.
   */
  async evaluate(withGradient: boolean): Promise<Evaluation> {
    const { passes } = this;
    submitKernels(this.gpu, 'evaluate', withGradient ? passes.kernels : passes.forward);
    const n = this.labels.length;
    const { gradA, gradW, gradB } = passes.buffers;
    const gradientBuffers = withGradient ? [gradA, gradW, ...(gradB ? [gradB] : [])] : [];
    const [lossValue, output, ...gradients] = await Promise.all([
      readFloat32(this.gpu, this.owned[2]!, 1),
      readFloat32(this.gpu, passes.buffers.output, n),
      ...gradientBuffers.map((buffer) => readFloat32(this.gpu, buffer, buffer.size / 4)),
    ]);
    let correct = 0;
    for (let i = 0; i < n; i++) if ((output![i]! > 0 ? 1 : -1) === this.labels[i]) correct++;
    const result = { loss: lossValue![0]!, accuracy: this.signLabels ? correct / n : NaN };
    if (!withGradient) return result;
    const [a, W, b] = gradients;
    return { ...result, gradients: { gradA: a!, gradW: W!, ...(b ? { gradB: b } : {}) } };
  }

  /** e = f(X) - y of the current weights on this set (f - f0 - y when centered). */
  async residuals(): Promise<Float32Array> {
    submitKernels(this.gpu, 'evaluate/outputs', this.passes.forward);
    const output = await readFloat32(this.gpu, this.passes.buffers.output, this.labels.length);
    return output.map((f, i) => f - this.labels[i]!);
  }

  /** H = relu(X W^T + b) [n x m] of the current weights on this set. */
  async activations(): Promise<Float32Array> {
    submitKernels(this.gpu, 'evaluate/activations', this.passes.forward);
    const { H } = this.passes.buffers;
    return readFloat32(this.gpu, H, H.size / 4);
  }

  destroy(): void {
    this.passes.destroy();
    for (const buffer of this.owned) buffer.destroy();
  }
}
