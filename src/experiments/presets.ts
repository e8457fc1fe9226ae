/**
 * Named experiment configurations. Each is a partial config: parseConfig fills in the defaults.
 * Issue-4 presets (the science checks) join this registry.
 */
import type { Preset } from './preset';
import { LANDSCAPE_PRESETS } from './presets/landscapes';
import { MEAN_FIELD_PRESETS } from './presets/mean-field';
import { LAZY_PRESETS } from './presets/lazy';
import { IMPLICIT_BIAS_PRESETS } from './presets/implicit-bias';
import { STOCHASTIC_STABILITY_PRESETS } from './presets/stochastic-stability';
import { EDGE_OF_STABILITY_PRESETS } from './presets/edge-of-stability';
import { PHASE_PRESETS } from './presets/phases';
import { GENERALIZATION_PRESETS } from './presets/generalization';
import { FOUR_PHASE_PRESETS } from './presets/four-phase';
import { MARGIN_PRESETS } from './presets/margin';
import { WIDTH_PRESETS } from './presets/width';

export type { Preset } from './preset';

export const PRESETS: readonly Preset[] = [
  {
    name: 'default',
    explanation:
      'A wide mean-field two-layer ReLU network learns a 3-neuron teacher by full-batch gradient descent in particle time (docs/science.md section 1): the loss falls by four orders of magnitude within a few hundred steps while the 2048 neurons move as particles.',
    plots: ['loss', 'testLoss', 'gradNorm'],
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
  ...MEAN_FIELD_PRESETS,
  ...LAZY_PRESETS,
  ...IMPLICIT_BIAS_PRESETS,
  ...STOCHASTIC_STABILITY_PRESETS,
  ...EDGE_OF_STABILITY_PRESETS,
  ...PHASE_PRESETS,
  ...FOUR_PHASE_PRESETS,
  ...MARGIN_PRESETS,
  ...WIDTH_PRESETS,
  ...GENERALIZATION_PRESETS,
  ...LANDSCAPE_PRESETS,
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((preset) => preset.name === name);
}
