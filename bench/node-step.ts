/** Node-side pieces of the bench: contenders for the interleaver, the step's products as plain matmuls, read-backs and memory. */
import type { GpuContext } from '../src/gpu/device';
import type { MatmulAlgorithm } from '../src/core/matmul-algorithms';
import { timeStepProducts } from '../src/kernels/matmul-autotune';
import { Float64Trainer } from '../src/float64/two-layer-trainer';
import { interleave, type Contender } from './interleave';
import { watchDevice } from './instrument';
import { benchProblem, type StepSize } from './training-step';
import { gradflowContender as gradflowStepContender } from './gradflow-contender';

/** GradFlow with stepKernel 'auto', as the page runs it (its row names the kernel it ran). */
export function gradflowContender(gpu: GpuContext, size: StepSize, algorithm: MatmulAlgorithm): Contender {
  return gradflowStepContender(gpu, size, { matmulAlgorithm: algorithm, stepKernel: 'auto' });
}

export function nodeContenders(gpu: GpuContext, size: StepSize, algorithm: MatmulAlgorithm): Contender[] {
  const { config, init, data } = benchProblem(size);
  return [
    gradflowContender(gpu, size, algorithm),
    {
      name: 'reference-f64',
      create: async () => {
        const trainer = new Float64Trainer(config, init, data);
        return { train: async (k: number) => trainer.train(k), dispose: () => undefined };
      },
    },
  ];
}

/** GFLOP/s of the step's two products (forward n x m x d, gradient m x d x n) run alone: 4 n m d FLOP. */
export async function stepProductsGflops(gpu: GpuContext, size: StepSize, algorithm: MatmulAlgorithm): Promise<number> {
  const ms = await timeStepProducts(gpu, algorithm, size, 2);
  return (4 * size.width * size.sampleCount * size.inputDim) / (ms * 1e6);
}

/** Labels of the buffers mapped while a trainer runs three chunks of 16 steps (creation excluded). */
export async function trainingReadbacks(gpu: GpuContext, size: StepSize, algorithm: MatmulAlgorithm): Promise<string[]> {
  const watch = watchDevice(gpu.device);
  try {
    const trainer = await (await gradflowContender(gpu, size, algorithm).create());
    watch.resetPeak();
    for (let i = 0; i < 3; i++) await trainer.train(16);
    const mapped = [...watch.mapped];
    trainer.dispose();
    return mapped;
  } finally {
    watch.stop();
  }
}

export interface MemoryRow extends StepSize {
  readonly msPerStep: number;
  /** Most bytes of GPU buffers alive at once while creating and training. */
  readonly peakBytes: number;
  /** Parameters a, W and their gradients, X, y, and the n x m activation H, float32. */
  readonly minimumBytes: number;
}

/** Step time (warm-up excluded) and peak GPU memory of GradFlow at one size. */
export async function memoryAt(gpu: GpuContext, size: StepSize, algorithm: MatmulAlgorithm, roundMs: number): Promise<MemoryRow> {
  const watch = watchDevice(gpu.device);
  try {
    watch.resetPeak();
    const base = watch.liveBytes;
    const [row] = await interleave(size, [gradflowContender(gpu, size, algorithm)], { rounds: 2, roundMs, alwaysRun: ['gradflow-gpu'] });
    const { width: m, sampleCount: n, inputDim: d } = size;
    const minimumBytes = 4 * (2 * (m * d + m) + n * d + n + n * m);
    return { ...size, msPerStep: row!.msPerStep!, peakBytes: watch.peakBytes - base, minimumBytes };
  } finally {
    watch.stop();
  }
}
