/** The preset bench's pure parts: which presets and configs it times, its interleaved median rounds (fake contenders), its table cells. */
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/experiments/presets';
import { parseConfig } from '../../src/config/schema';
import { median, medianRounds, pairedSpeedUp, type MedianRoundsRow } from '../../bench/median-rounds';
import type { Contender } from '../../bench/interleave';
import { presetTargets } from '../../bench/preset-targets';
import { describeKernels, formatGroups, formatPresetTable, formatShape, type PresetBenchRow } from '../../bench/preset-rows';

function fake(name: string, log: string[], failOnCreate = false): Contender {
  return {
    name,
    create: async () => {
      if (failOnCreate) throw new Error(`${name} cannot be created`);
      return { kernel: `${name}-kernel`, train: async (k: number) => void log.push(`${name}:${k}`), dispose: () => log.push(`${name}:dispose`) };
    },
  };
}

describe('medianRounds', () => {
  it('warms up and probes each contender, alternates them round by round, and disposes both', async () => {
    const log: string[] = [];
    const rows = await medianRounds([fake('unfused', log), fake('auto', log)], { rounds: 3, roundMs: 1000, maxProbeSteps: 1, maxStepsPerRound: 4 });
    expect(log).toEqual([
      'unfused:1', 'unfused:1', 'unfused:1', 'auto:1', 'auto:1', 'auto:1',
      'unfused:4', 'auto:4', 'unfused:4', 'auto:4', 'unfused:4', 'auto:4',
      'unfused:dispose', 'auto:dispose',
    ]);
    expect(rows.map((row) => [row.name, row.kernel, row.roundStepsPerSecond.length])).toEqual([['unfused', 'unfused-kernel', 3], ['auto', 'auto-kernel', 3]]);
    for (const row of rows) expect(row.stepsPerSecond).toBe(median(row.roundStepsPerSecond));
  });

  it('disposes what it created when a later contender fails', async () => {
    const log: string[] = [];
    await expect(medianRounds([fake('unfused', log), fake('auto', log, true)], { rounds: 1, roundMs: 1 })).rejects.toThrow(/auto cannot be created/);
    expect(log.at(-1)).toBe('unfused:dispose');
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 100])).toBe(5);
    expect(median([4, 1, 3, 100])).toBe(3.5);
    expect(() => median([])).toThrow(RangeError);
  });
});

function timing(name: string, roundStepsPerSecond: number[]): MedianRoundsRow {
  return { name, warmUpMs: 0, stepsPerRound: 1, roundStepsPerSecond, stepsPerSecond: median(roundStepsPerSecond) };
}

describe('pairedSpeedUp', () => {
  it('takes the median of the per-round ratios, so a load that slows both contenders in a round divides out', () => {
    // Rounds 2 and 3 ran under load: the medians' ratio (20 / 10 = 2) would miss that auto is 4x in every round but one.
    const unfused = timing('unfused', [10, 2, 2, 10, 100]);
    const auto = timing('auto', [40, 8, 8, 20, 400]);
    expect(pairedSpeedUp(unfused, auto)).toBe(4);
    expect(() => pairedSpeedUp(unfused, timing('auto', [1]))).toThrow(/5 rounds/);
  });
});

describe('presetTargets', () => {
  const targets = presetTargets(PRESETS);
  const byName = new Map(targets.map((target) => [target.name, target]));

  it('takes every two-layer preset and no landscape or linear one', () => {
    const twoLayer = PRESETS.filter((preset) => parseConfig(preset.config).model.kind === 'two-layer').map((preset) => preset.name);
    expect(targets.map((target) => target.name)).toEqual(twoLayer);
    expect(byName.has('sgd-escape')).toBe(false);
    expect(byName.has('margin-rates')).toBe(false);
    expect(byName.has('default')).toBe(true);
  });

  it('expands a run set into its members, with kernels.step and the GPU backend set on each', () => {
    const lazy = byName.get('lazy-vs-rich')!;
    expect(lazy.runSet).toBe(true);
    for (const step of ['unfused', 'auto'] as const) {
      const configs = lazy.configs(step);
      expect(configs).toHaveLength(8);
      expect(configs.every((config) => config.kernels.step === step && config.backend === 'gpu')).toBe(true);
    }
    expect(lazy.notes).toContain('run set of 8');
    const single = byName.get('default')!;
    expect(single.runSet).toBe(false);
    expect(single.configs('unfused')).toHaveLength(1);
  });

  it('times a float64 preset on the GPU and says so', () => {
    const eos = byName.get('edge-of-stability')!;
    expect(eos.configs('auto')[0]!.backend).toBe('gpu');
    expect(eos.notes.join(' ')).toMatch(/runs on float64/);
  });
});

describe('table cells', () => {
  it('summarises shapes over members: one value, a few joined, many as a range', () => {
    const shape = (width: number, batchSize = 64) => ({ width, sampleCount: 64, inputDim: 4, batchSize });
    expect(formatShape([shape(256)])).toBe('(256, 64, 4, 64)');
    expect(formatShape([shape(128, 2), shape(128, 64)])).toBe('(128, 64, 4, 2/64)');
    expect(formatShape([64, 256, 1024, 4096, 64].map((m) => shape(m)))).toBe('(64/256/1024/4096, 64, 4, 64)');
    expect(formatShape([8, 16, 32, 64, 128].map((m) => shape(m)))).toBe('(8..128, 64, 4, 64)');
  });

  it('names the kernels and how a run set steps', () => {
    expect(describeKernels(['multi-step'])).toBe('multi-step');
    expect(describeKernels(['multi-step', 'unfused', 'multi-step'], [[0, 2], [1]])).toBe('multi-step x2, unfused x1 (lanes 2, 1 alone)');
    expect(formatGroups([[0], [1]])).toBe('all alone');
    expect(formatGroups([[0, 1, 2, 3], [4, 5, 6, 7]])).toBe('lanes 4+4');
  });

  it("marks a speed-up between two runs of the same step, and not one where 'auto' picked the multi-step kernel", () => {
    const row = (preset: string, kernel: 'unfused' | 'multi-step'): PresetBenchRow => ({
      preset, notes: [], members: 1, shapes: [{ width: 8, sampleCount: 8, inputDim: 2, batchSize: 8 }], autoKernels: [kernel], autoKernelSource: 'test',
      autoPick: kernel, unfused: timing('unfused', [100]), auto: timing('auto', [150]), speedUp: 1.5,
    });
    const [, , same, multi] = formatPresetTable([row('same', 'unfused'), row('multi', 'multi-step')]);
    expect(same).toBe('| `same` | (8, 8, 2, 8) | unfused | 100 | 150 | 1.50x (same step) |');
    expect(multi).toBe('| `multi` | (8, 8, 2, 8) | multi-step | 100 | 150 | 1.50x |');
  });
});
