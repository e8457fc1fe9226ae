/**
 * The experiment the app starts with: the `default` preset (a wide mean-field ReLU network learning
 * a 3-neuron teacher by full-batch gradient descent in particle time) on the GPU.
 */
import { parseConfig, type ExperimentConfig } from '../config/schema';
import { buildProblem } from '../engine/problem';
import type { GpuContext } from '../gpu/device';
import { TwoLayerTrainer } from '../model/two-layer-trainer';
import { findPreset } from './presets';

export interface TrainingRun {
  /** One sentence for the page. */
  readonly description: string;
  readonly trainer: TwoLayerTrainer;
  /** Runs `stepCount` steps in one submit; returns the loss before each. */
  train(stepCount: number): Promise<Float32Array>;
  destroy(): void;
}

export const DEFAULT_CONFIG: ExperimentConfig = parseConfig(findPreset('default')!.config);

export async function createDefaultRun(gpu: GpuContext, config: ExperimentConfig = DEFAULT_CONFIG): Promise<TrainingRun> {
  const problem = await buildProblem(config);
  const trainer = await TwoLayerTrainer.create(gpu, problem.trainer, problem.init, problem.train);
  if (config.model.kind !== 'two-layer') throw new Error('the default run trains a two-layer network');
  const { width, scaling } = config.model;
  return {
    description: `${scaling} two-layer ReLU network, ${width} neurons, learning a teacher on ${problem.train.y.length} samples in d = ${problem.trainer.inputDim} by gradient descent (lr ${config.optimizer.learningRate}${scaling === 'mean-field' ? ' in particle time' : ''}).`,
    trainer,
    train: (stepCount) => trainer.train(stepCount),
    destroy: () => trainer.destroy(),
  };
}
