/**
 * Which presets the preset bench times and the configs it times them with: every preset of a two-layer model
 * (landscapes and linear models have no two-layer step), its run set as the CLI runs it (`gradflow run` expands
 * the `sweep` block and trains the members as one set), with `kernels.step` set, on the GPU backend.
 */
import { expandSweep } from '../src/config/run-set';
import { parseConfig, type ExperimentConfig } from '../src/config/schema';
import type { StepKernelSetting } from '../src/core/step-kernels';
import type { Preset } from '../src/experiments/preset';

export interface PresetTarget {
  readonly name: string;
  /** True when the preset carries a sweep: its members are timed as one run set. */
  readonly runSet: boolean;
  /** What the table should add to the preset's name (a run set's size, a backend the preset does not use). */
  readonly notes: readonly string[];
  /** The configs (one per member) with kernels.step = `step`, backend gpu. */
  configs(step: StepKernelSetting): ExperimentConfig[];
}

export function presetTargets(presets: readonly Preset[]): PresetTarget[] {
  return presets.filter((preset) => parseConfig(preset.config, `preset ${preset.name}`).model.kind === 'two-layer').map(presetTarget);
}

function presetTarget(preset: Preset): PresetTarget {
  const input = preset.config as Record<string, unknown>;
  const base = parseConfig(input, `preset ${preset.name}`);
  const configs = (step: StepKernelSetting) => {
    const kernels = { ...((input.kernels as Record<string, unknown> | undefined) ?? {}), step };
    // The step kernel is a GPU setting: a float64 preset is timed as the same run on the GPU.
    return expandSweep({ ...input, kernels, backend: 'gpu' }, `preset ${preset.name}`).map((member) => member.config);
  };
  const runSet = input.sweep !== undefined;
  const notes = [
    ...(runSet ? [`run set of ${configs('auto').length}`] : []),
    ...(base.backend !== 'gpu' ? [`runs on ${base.backend}; timed on the GPU`] : []),
  ];
  return { name: preset.name, runSet, notes, configs };
}
