/**
 * The experiment the app starts with: a wide mean-field ReLU network (m = 2048 particles, d = 2)
 * learning a 3-neuron teacher by full-batch gradient descent in particle time.
 */
import type { GpuContext } from '../gpu/device';
import { teacherStudentData } from '../data/teacher-student';
import { initialWeights } from '../model/initialization';
import { TwoLayerTrainer, type TwoLayerTrainerConfig } from '../model/two-layer-trainer';

export interface TrainingRun {
  /** One sentence for the page. */
  readonly description: string;
  readonly trainer: TwoLayerTrainer;
  /** Runs `stepCount` steps in one submit; returns the loss before each. */
  train(stepCount: number): Promise<Float32Array>;
  destroy(): void;
}

export const DEFAULT_RUN_CONFIG: TwoLayerTrainerConfig = {
  width: 2048,
  inputDim: 2,
  sampleCount: 128,
  scaling: 'mean-field',
  loss: 'square',
  hasBias: false,
  trainable: 'both',
  learningRate: 0.5,
  seed: 1,
};

export const DEFAULT_TEACHER_WIDTH = 3;

export async function createDefaultRun(gpu: GpuContext, config: TwoLayerTrainerConfig = DEFAULT_RUN_CONFIG): Promise<TrainingRun> {
  const data = teacherStudentData({ seed: config.seed, sampleCount: config.sampleCount, inputDim: config.inputDim, teacherWidth: DEFAULT_TEACHER_WIDTH });
  const init = initialWeights({ seed: config.seed, width: config.width, inputDim: config.inputDim, hasBias: config.hasBias });
  const trainer = await TwoLayerTrainer.create(gpu, config, init, data);
  return {
    description: `Mean-field two-layer ReLU network, ${config.width} neurons, learning a ${DEFAULT_TEACHER_WIDTH}-neuron teacher on ${config.sampleCount} samples in d = ${config.inputDim} by gradient descent (lr ${config.learningRate} in particle time).`,
    trainer,
    train: (stepCount) => trainer.train(stepCount),
    destroy: () => trainer.destroy(),
  };
}
