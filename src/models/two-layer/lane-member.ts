/**
 * One member of a lane, for its metrics: its own a, W, b buffers at its own width and TwoLayerGpuMetrics on
 * them, so every metric runs exactly the kernels a single run (GpuSimulation) runs on its trainer's buffers.
 * The lane trains the member inside its padded buffers; before an evaluation it copies the member's current
 * weights in here (evaluations come at logged steps only, so the readback and upload cost little).
 */
import { createStorageBuffer } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import type { MetricValues } from '../../core/simulation';
import type { TwoLayerWeights } from '../../core/network';
import { TwoLayerGpuMetrics, type NetworkBuffers } from './gpu-metrics';
import type { WeightBuffers } from './passes';
import type { Problem } from './problem';

export class LaneMember {
  private constructor(
    private readonly gpu: GpuContext,
    private readonly weights: WeightBuffers,
    private readonly metrics: TwoLayerGpuMetrics,
  ) {}

  /** `data`: the lane's train set X [n x d], y [n] (one copy for every member). Starts from problem.init. */
  static async create(gpu: GpuContext, problem: Problem, metricNames: readonly string[], data: NetworkBuffers['data'], label: string): Promise<LaneMember> {
    const { init } = problem;
    const buffer = (name: string, values: Float32Array) => createStorageBuffer(gpu, `${label}/${name}`, values);
    const weights: WeightBuffers = { a: buffer('a', init.a), W: buffer('W', init.W), ...(init.b ? { b: buffer('b', init.b) } : {}) };
    try {
      // Created on the initial weights, as a single run's metrics are: H(0) and K(0) come from them.
      return new LaneMember(gpu, weights, await TwoLayerGpuMetrics.create(gpu, problem, metricNames, { data, weights }));
    } catch (error) {
      for (const part of Object.values(weights)) part?.destroy();
      throw error;
    }
  }

  /** The row of `names` at `current` (the member's weights now, read out of the lane, after `stepsTaken` steps), at rate `learningRate`. */
  evaluate(names: readonly string[], current: TwoLayerWeights, learningRate: number, stepsTaken: number): Promise<MetricValues> {
    const queue = this.gpu.device.queue;
    const write = (target: GPUBuffer, values: Float32Array) => queue.writeBuffer(target, 0, values.buffer as ArrayBuffer, values.byteOffset, values.byteLength);
    write(this.weights.a, current.a);
    write(this.weights.W, current.W);
    if (this.weights.b && current.b) write(this.weights.b, current.b);
    // The uploads are queued ahead of every kernel the metrics submit, so nothing is left to settle.
    return this.metrics.evaluate(names, { learningRate, stepsTaken, readWeights: async () => current, settle: async () => {} });
  }

  /** The member's own a, W, b buffers (single-run layout): a view draws from them once the lane mirrors into them. */
  get weightBuffers(): WeightBuffers {
    return this.weights;
  }

  destroy(): void {
    this.metrics.destroy();
    for (const part of Object.values(this.weights)) part?.destroy();
  }
}
