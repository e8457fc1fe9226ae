/**
 * One full-batch GD step of f(X) = relu(X W^T) a / m with square loss (gradients for W and a, update),
 * GPU against the float64 reference, at given (m, n, d). FLOP counted as 6 m n d (forward matmul,
 * gradient matmul, and the masked products of the same order), as in the benchmarks of issue 6.
 * GPU: one warm-up step (pipeline compilation, reported separately), then submits of k steps each.
 */
import type { GpuContext } from '../src/gpu/device';
import { initialWeights } from '../src/core/initialization';
import { TwoLayerTrainer } from '../src/models/two-layer/trainer';
import { type TwoLayerTrainerConfig } from '../src/core/network';
import type { MatmulAlgorithm } from '../src/core/matmul-algorithms';
import { Float64Trainer } from '../src/float64/two-layer-trainer';
import { normalArray } from '../src/core/random';

export interface StepSize {
  /** Hidden width m. */
  readonly width: number;
  /** Samples n. */
  readonly sampleCount: number;
  /** Input dimension d. */
  readonly inputDim: number;
}

export interface StepBenchRow extends StepSize {
  readonly backend: `gpu-${MatmulAlgorithm}` | 'reference-f64';
  /** Mean time of one step, warm-up excluded. */
  readonly msPerStep: number;
  readonly gflops: number;
  /** First step (includes pipeline compilation), GPU only. */
  readonly warmUpMs?: number;
  readonly stepsTimed: number;
}

export interface StepBenchOptions {
  readonly algorithm?: MatmulAlgorithm;
  /** Aim for about this much timed GPU work per size (default 3000 ms). */
  readonly targetMs?: number;
}

export function stepFlops({ width, sampleCount, inputDim }: StepSize): number {
  return 6 * width * sampleCount * inputDim;
}

/** The bench's network: mean-field, square loss, no bias, lr 0.1, seed 1 (shared by every contender). */
export function benchConfig(size: StepSize): TwoLayerTrainerConfig {
  return { ...size, scaling: 'mean-field', loss: 'square', hasBias: false, trainable: 'both', learningRate: 0.1, seed: 1, maxStepsPerSubmit: 64 };
}

/** X [n x d] and y [n], standard normal, the same for every contender. */
export function benchData(size: StepSize) {
  const X = new Float32Array(normalArray(1, 1, 0, size.sampleCount * size.inputDim));
  const y = new Float32Array(normalArray(1, 2, 0, size.sampleCount));
  return { X, y };
}

export async function benchGpuStep(gpu: GpuContext, size: StepSize, options: StepBenchOptions = {}): Promise<StepBenchRow> {
  const algorithm = options.algorithm ?? 'register';
  const config = { ...benchConfig(size), matmulAlgorithm: algorithm };
  const trainer = await TwoLayerTrainer.create(gpu, config, initialWeights({ ...config }), benchData(size));
  try {
    let start = performance.now();
    await trainer.train(1);
    const warmUpMs = performance.now() - start;
    start = performance.now();
    await trainer.train(1);
    const oneStepMs = performance.now() - start;
    const steps = Math.max(1, Math.min(64, Math.round((options.targetMs ?? 3000) / Math.max(oneStepMs, 1e-3))));
    start = performance.now();
    await trainer.train(steps);
    const msPerStep = (performance.now() - start) / steps;
    return { ...size, backend: `gpu-${algorithm}`, msPerStep, gflops: stepFlops(size) / (msPerStep * 1e6), warmUpMs, stepsTimed: steps };
  } finally {
    trainer.destroy();
  }
}

/** Times one step of the float64 reference (the caller decides whether it fits its time budget). */
export function benchReferenceStep(size: StepSize): StepBenchRow {
  const config = benchConfig(size);
  const trainer = new Float64Trainer(config, initialWeights({ ...config }), benchData(size));
  const start = performance.now();
  trainer.train(1);
  const msPerStep = performance.now() - start;
  return { ...size, backend: 'reference-f64', msPerStep, gflops: stepFlops(size) / (msPerStep * 1e6), stepsTimed: 1 };
}

/** Config, initial weights and data of one bench problem. */
export function benchProblem(size: StepSize) {
  const config = benchConfig(size);
  return { config, init: initialWeights({ ...config }), data: benchData(size) };
}
