/**
 * A sweep's cost two ways: one batched step of N networks (BatchedTrainer, one set of dispatches)
 * against one step of each of N single-network TwoLayerTrainers (N submits, queued back to back),
 * full-batch GD, mean-field, square loss, every network at width m on the same (n, d) data.
 * Both warm up first (pipeline compilation excluded), then record `steps` steps per submit.
 */
import type { GpuContext } from '../src/gpu/device';
import { BatchedTrainer } from '../src/models/two-layer/batched-trainer';
import { networkConfig, type BatchedTrainerConfig } from '../src/core/batched-network';
import { initialWeights } from '../src/core/initialization';
import { TwoLayerTrainer } from '../src/models/two-layer/trainer';
import { normalArray } from '../src/core/random';
import type { StepSize } from './training-step';

export interface BatchedBenchOptions {
  /** N networks (default 8). */
  readonly networkCount?: number;
  /** (m, n, d) of every network (default (256, 256, 16)). */
  readonly size?: StepSize;
  /** Steps per timed submit (default 16). */
  readonly steps?: number;
}

export interface BatchedBenchResult extends StepSize {
  readonly networkCount: number;
  /** One step of all N networks by the batched trainer. */
  readonly batchedMsPerStep: number;
  /** One step of each of the N single-network trainers, all N together. */
  readonly singleMsPerStep: number;
  readonly stepsTimed: number;
}

async function timePerStep(steps: number, run: (steps: number) => Promise<unknown>): Promise<number> {
  await run(1);
  const start = performance.now();
  await run(steps);
  return (performance.now() - start) / steps;
}

export async function benchBatched(gpu: GpuContext, options: BatchedBenchOptions = {}): Promise<BatchedBenchResult> {
  const N = options.networkCount ?? 8;
  const size = options.size ?? { width: 256, sampleCount: 256, inputDim: 16 };
  const steps = options.steps ?? 16;
  const data = {
    X: new Float32Array(normalArray(1, 1, 0, size.sampleCount * size.inputDim)),
    y: new Float32Array(normalArray(1, 2, 0, size.sampleCount)),
  };
  const config: BatchedTrainerConfig = {
    networks: Array.from({ length: N }, (_, k) => ({ seed: k + 1, width: size.width, learningRate: 0.1 * (k + 1) / N })),
    inputDim: size.inputDim,
    sampleCount: size.sampleCount,
    scaling: 'mean-field',
    loss: 'square',
    hasBias: false,
    trainable: 'both',
    maxStepsPerSubmit: steps,
  };
  const batched = await BatchedTrainer.create(gpu, config, data);
  const singles = await Promise.all(
    config.networks.map((_, k) => {
      const single = { ...networkConfig(config, k), maxStepsPerSubmit: steps };
      return TwoLayerTrainer.create(gpu, single, initialWeights({ ...single }), data);
    }),
  );
  try {
    const batchedMsPerStep = await timePerStep(steps, (k) => batched.train(k));
    const singleMsPerStep = await timePerStep(steps, (k) => Promise.all(singles.map((trainer) => trainer.train(k))));
    return { ...size, networkCount: N, batchedMsPerStep, singleMsPerStep, stepsTimed: steps };
  } finally {
    batched.destroy();
    for (const trainer of singles) trainer.destroy();
  }
}
