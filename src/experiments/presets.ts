/**
 * Named experiment configurations. Each is a partial config: parseConfig fills in the defaults.
 * Issue-4 presets (the science checks) join this registry.
 */
import type { ExperimentConfigInput } from '../config/schema';

export interface Preset {
  readonly name: string;
  /** One line for `gradflow list` and the preset picker. */
  readonly summary: string;
  readonly config: ExperimentConfigInput;
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'default',
    summary: 'Mean-field ReLU network (2048 particles, d = 2) learning a 3-neuron teacher by full-batch GD in particle time.',
    config: {
      name: 'default',
      steps: 300,
      loss: 'square',
      model: { width: 2048, scaling: 'mean-field' },
      data: { kind: 'teacher-student', sampleCount: 128, testCount: 128, inputDim: 2, teacher: { kind: 'random', width: 3 } },
      optimizer: { rule: 'gd', learningRate: 0.5 },
      metrics: { every: 25, names: ['loss', 'testLoss', 'gradNorm'] },
    },
  },
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((preset) => preset.name === name);
}
