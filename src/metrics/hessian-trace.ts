/**
 * The exact trace of the two-layer network's Hessian on the GPU, in closed form:
 *   Tr H = (1/n) sum_i l''(f_i, y_i) K_ii   (derivation in src/float64/hessian-trace.ts),
 * exact for this model at every point where no pre-activation sits on the ReLU kink. It replaces
 * Hutchinson's estimate (GpuHessian.hutchinsonTrace in src/metrics/sharpness.ts), which stays for
 * operators without a closed form. One compute, one submit: trace_terms (forward pass fused, one
 * workgroup per sample) then trace_total (fixed-order sum), and a 4-byte readback copied in the same
 * submit. The inputs and config are GpuHessian's, so a simulation can feed both from one set of buffers.
 */
import { createStorageBuffer } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import type { BoundKernel } from '../gpu/kernel';
import { bindTraceTerms, bindTraceTotal, traceTermsParams } from '../kernels/hessian-trace';
import type { TwoLayerWeights } from '../core/network';
import { particleTimeFactor } from '../core/conventions';
import { checkCenteredNetworkArrays, uploadCenteredNetwork } from './host-inputs';
import type { GpuHessianConfig, GpuHessianInputs, HessianData } from './gpu-hessian-config';

const NAME = 'hessian-trace';

/** Tr Hess L over the trainable parameters, at the weights in the given buffers (re-read at every compute). */
export class GpuHessianTrace {
  /** Serialises computes: they share the staging buffer. */
  private pending: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly gpu: GpuContext,
    readonly config: GpuHessianConfig,
    private readonly kernels: readonly BoundKernel[],
    private readonly buffers: { readonly terms: GPUBuffer; readonly trace: GPUBuffer; readonly staging: GPUBuffer },
  ) {}

  /** Binds the kernels to `inputs` (X, y, a, W, b exactly when config.hasBias, f0 exactly when config.centered). */
  static async create(gpu: GpuContext, config: GpuHessianConfig, inputs: GpuHessianInputs): Promise<GpuHessianTrace> {
    const n = config.sampleCount;
    const shape = { ...config, centered: config.centered ?? false, trainable: config.trainable ?? 'both' };
    // Checks the config (sizes, scaling, loss, alpha, trainable) before any buffer is sized from it.
    traceTermsParams(shape, NAME);
    const trace = createStorageBuffer(gpu, `${NAME}/trace`, 4);
    const terms = createStorageBuffer(gpu, `${NAME}/terms`, n * 4);
    const staging = gpu.device.createBuffer({ label: `${NAME}/trace/readback`, size: 4, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    const kernels: BoundKernel[] = [];
    try {
      kernels.push(await bindTraceTerms(gpu, shape, { ...inputs, terms }));
      kernels.push(await bindTraceTotal(gpu, n, { terms, trace }));
    } catch (error) {
      kernels.forEach((kernel) => kernel.destroy());
      [trace, terms, staging].forEach((buffer) => buffer.destroy());
      throw error;
    }
    return new GpuHessianTrace(gpu, shape, kernels, { terms, trace, staging });
  }

  /** m for mean-field, else 1: the trace in the update rule's units is factor * compute(). */
  get updateUnitFactor(): number {
    return particleTimeFactor(this.config.scaling, this.config.width);
  }

  /** Tr Hess L restricted to the trainable parameters, in parameter units (no update-rule factor). */
  compute(): Promise<number> {
    const run = this.pending.then(() => this.run());
    this.pending = run.catch(() => undefined);
    return run;
  }

  destroy(): void {
    this.kernels.forEach((kernel) => kernel.destroy());
    Object.values(this.buffers).forEach((buffer) => buffer.destroy());
  }

  private async run(): Promise<number> {
    const { device } = this.gpu;
    const { trace, staging } = this.buffers;
    const encoder = device.createCommandEncoder({ label: `${NAME}/compute` });
    const pass = encoder.beginComputePass({ label: `${NAME}/compute` });
    for (const kernel of this.kernels) kernel.encode(pass);
    pass.end();
    encoder.copyBufferToBuffer(trace, 0, staging, 0, 4);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const value = new Float32Array(staging.getMappedRange().slice(0))[0]!;
    staging.unmap();
    return value;
  }
}

/**
 * Uploads host weights and data, computes the exact trace once (parameter units), and frees everything.
 * Every array is checked (length, finiteness) before anything is allocated.
 */
export async function exactHessianTraceOnGpu(gpu: GpuContext, config: GpuHessianConfig, weights: TwoLayerWeights, data: HessianData): Promise<number> {
  checkCenteredNetworkArrays(NAME, config, weights, data);
  const inputs = uploadCenteredNetwork(gpu, NAME, weights, data);
  let metric: GpuHessianTrace | undefined;
  try {
    metric = await GpuHessianTrace.create(gpu, config, { ...inputs, y: inputs.y! });
    return await metric.compute();
  } finally {
    metric?.destroy();
    Object.values(inputs).forEach((buffer) => buffer.destroy());
  }
}
