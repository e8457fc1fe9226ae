/**
 * The proximal (JKO, minimizing-movement) term on the GPU, docs/science.md section 1:
 *   theta^{k+1} = argmin_theta L(theta) + (1 / (2 tau)) |theta - theta^k|_M^2,
 * solved by inner gradient steps on that objective. One outer step, encoded by the trainer:
 *
 *   copyAnchor(encoder)                         anchor_s = theta_s (outside a compute pass)
 *   repeat innerSteps times, each in a pass:
 *     [forward, loss, backward]                 g_s = dL/dtheta_s at the current theta
 *     encode(pass)                              g_s += (theta_s - anchor_s) / (tau c_s)
 *     optimizer.encodeUpdate(pass)              e.g. gd with the inner learning rate
 *
 * With GD and inner rate eta the inner map is theta <- theta - eta (u + (theta - anchor) / tau), which
 * contracts when eta < 2 / (lambda_max(c H) + 1 / tau): choose eta about 1 / (sharpness + 1 / tau).
 */
import { createStorageBuffer } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import type { BoundKernel } from '../gpu/kernel';
import { bindProximalGrad, proximalCoefficient, proximalGradParams } from '../kernels/optim-proximal';
import type { LabelledTensor } from './gpu-optimizer';

const NAME = 'optim/gpu-proximal';

export class GpuProximalTerm {
  private constructor(
    private readonly gpu: GpuContext,
    readonly tensors: readonly LabelledTensor[],
    /** theta^k per trained tensor (in the order of the trained tensors). */
    readonly anchors: readonly GPUBuffer[],
    private readonly kernels: readonly BoundKernel[],
    private tauValue: number,
  ) {}

  /** Binds proximal_grad for every trained tensor (stepScale > 0); frozen ones need no anchor. */
  static async create(gpu: GpuContext, tensors: readonly LabelledTensor[], tau: number): Promise<GpuProximalTerm> {
    if (tensors.length === 0) throw new KernelArgumentError(NAME, 'tensors', 'is empty; give at least one parameter tensor');
    const trained = tensors.filter((tensor) => tensor.stepScale !== 0);
    const anchors = trained.map((tensor) => createStorageBuffer(gpu, `${NAME}/${tensor.label}/anchor`, tensor.elementCount * 4));
    const kernels: BoundKernel[] = [];
    try {
      for (const [k, tensor] of trained.entries()) kernels.push(await bindProximalGrad(gpu, tensor, anchors[k]!, tau));
    } catch (error) {
      anchors.forEach((anchor) => anchor.destroy());
      throw error;
    }
    return new GpuProximalTerm(gpu, trained, anchors, kernels, tau);
  }

  get tau(): number {
    return this.tauValue;
  }

  /** Records anchor_s = theta_s: the start of an outer (JKO) step. Call outside a compute pass. */
  copyAnchor(encoder: GPUCommandEncoder): void {
    this.tensors.forEach((tensor, k) => encoder.copyBufferToBuffer(tensor.param, 0, this.anchors[k]!, 0, tensor.elementCount * 4));
  }

  /** g_s += (theta_s - anchor_s) / (tau c_s) for every trained tensor; after the backward pass, before the update. */
  encode(pass: GPUComputePassEncoder): void {
    for (const kernel of this.kernels) kernel.encode(pass);
  }

  /** Changes tau from the next submit on. */
  setTau(tau: number): void {
    const finite = this.tensors.every((tensor) => Number.isFinite(Math.fround(proximalCoefficient(tau, tensor.stepScale))));
    if (!(tau > 0) || !Number.isFinite(Math.fround(tau)) || !finite) {
      throw new KernelArgumentError(NAME, 'tau', `must be > 0 with 1 / (tau c_s) finite in float32, got ${tau}`);
    }
    this.tauValue = tau;
    this.tensors.forEach((tensor, k) => this.kernels[k]!.writeParams(this.gpu.device.queue, proximalGradParams(tensor, tau)));
  }

  destroy(): void {
    this.kernels.forEach((kernel) => kernel.destroy());
    this.anchors.forEach((anchor) => anchor.destroy());
  }
}
