/**
 * Presets that compare configurations declare them as a run set (issue 13): the config's `sweep` block expands to
 * the members its check trains, so the app, which trains the config's members live, shows what the check measures.
 * Nothing is trained here: a recording runner stops each check at its first run (set) and keeps the configs it got.
 */
import { describe, expect, it } from 'vitest';
import { expandSweep } from '../../src/config/run-set';
import { applyOverrides, parseConfig, type ExperimentConfig, type ExperimentConfigInput } from '../../src/config/schema';
import { checkContext, type CheckSize, type MemberResult, type Preset } from '../../src/experiments/preset';
import { PRESETS } from '../../src/experiments/presets';
import type { ExperimentResult } from '../../src/run/run-experiment';

/** The presets whose config is the run set its check compares (their members differ only in what a grid can sweep). */
const SWEPT = ['lazy-vs-rich', 'sharpness-vs-lr', 'noise-alignment', 'jko-vs-explicit', 'margin-rates', 'sgd-escape', 'saddle-avoidance', 'stable-manifold', 'sgd-stability-diagram', 'edge-of-stochastic-stability'];
/**
 * Presets that compare configurations without a sweep block, each with why: their members differ in values tied
 * together (a grid sets every path independently) or cannot share a set.
 */
const NOT_SWEPT: Record<string, string> = {
  'width-transition': "the unscaled net's lr is 3/m, tied to the width; each seed fixes its own data",
  'double-descent-heatmap': "the unscaled net's lr is 3/m, tied to the width; n and the seed fix the data",
  'grokking-lazy-to-rich': 'the lr is 4 / alpha^2, tied to alpha',
  'early-stage': 'each lr runs its own number of steps (8 / lr), which a run set shares',
};

/** Checks that never run their config as defined (early-stage: each lr with its own length and logging). */
const CONFIG_NOT_RUN = new Set(['early-stage']);

class Recorded extends Error {
  constructor(readonly configs: readonly ExperimentConfig[]) {
    super('recorded');
  }
}

/** The configs of the check's first run or run set, at this size. */
async function firstRun(preset: Preset, size: CheckSize): Promise<readonly ExperimentConfig[]> {
  const context = checkContext(preset, size, {}, undefined, undefined, async (configs) => {
    throw new Recorded(configs);
  });
  try {
    await preset.check!(context);
  } catch (error) {
    if (error instanceof Recorded) return error.configs;
    throw error;
  }
  throw new Error(`${preset.name}: the check ran nothing`);
}

const sized = (preset: Preset, size: CheckSize) => applyOverrides(preset.config as Record<string, unknown>, size === 'reduced' ? [...(preset.reduced ?? [])] : []);
const withCheck = PRESETS.filter((preset) => preset.check);

describe('presets as run sets', () => {
  it('the comparing presets carry a sweep block, and only they', () => {
    expect(PRESETS.filter((preset) => (preset.config as { sweep?: unknown }).sweep !== undefined).map((preset) => preset.name).sort()).toEqual([...SWEPT].sort());
    for (const name of [...SWEPT, ...Object.keys(NOT_SWEPT)]) expect(PRESETS.some((preset) => preset.name === name && preset.check), name).toBe(true);
  });

  for (const name of SWEPT) {
    for (const size of ['full', 'reduced'] as const) {
      it(`${name} (${size}): the config's sweep expands to the members of the check's first run set`, async () => {
        const preset = PRESETS.find((candidate) => candidate.name === name)!;
        const members = expandSweep(sized(preset, size), name);
        expect(members.length).toBeGreaterThan(1);
        expect(await firstRun(preset, size)).toEqual(members.map((member) => member.config));
      });
    }
  }

  for (const preset of withCheck.filter((candidate) => !SWEPT.includes(candidate.name) && !CONFIG_NOT_RUN.has(candidate.name))) {
    it(`${preset.name} (full): the config is a member of the check's first run (set)`, async () => {
      expect(await firstRun(preset, 'full')).toContainEqual(parseConfig(preset.config, preset.name));
    });
  }
});

describe('checkContext.runSet', () => {
  const base: ExperimentConfigInput = {
    name: 'tiny',
    steps: 2,
    model: { width: 4 },
    data: { kind: 'teacher-student', sampleCount: 8, inputDim: 2 },
    sweep: { 'model.width': [4, 8], 'optimizer.learningRate': [0.1, 0.2] },
  };
  const fake = async (configs: readonly ExperimentConfig[]) => configs.map((config) => ({ config, metrics: [], stepLosses: [] }) as unknown as ExperimentResult);

  it('sizes, expands and runs the members together; reports every result and the first set', async () => {
    const runs: number[] = [];
    const results: ExperimentResult[] = [];
    const sets: (readonly MemberResult[])[] = [];
    const preset: Preset = { name: 'tiny', summary: '', explanation: '', config: base, plots: [], reduced: ['steps=1'] };
    const ctx = checkContext(preset, 'reduced', {}, (result) => results.push(result), (members) => sets.push(members), async (configs) => {
      runs.push(configs.length);
      return fake(configs);
    });
    const members = await ctx.runSet(['model.bias=true']);
    expect(members.map((member) => member.overrides)).toEqual([
      { 'model.width': 4, 'optimizer.learningRate': 0.1 },
      { 'model.width': 4, 'optimizer.learningRate': 0.2 },
      { 'model.width': 8, 'optimizer.learningRate': 0.1 },
      { 'model.width': 8, 'optimizer.learningRate': 0.2 },
    ]);
    for (const { overrides, result } of members) {
      expect(result.config).toMatchObject({ steps: 1, model: { width: overrides['model.width'], bias: true }, optimizer: { learningRate: overrides['optimizer.learningRate'] } });
      expect(result.config.sweep).toBeUndefined();
    }
    // Several bases: their members concatenated, one set.
    const { sweep: _, ...single } = base as Record<string, unknown>;
    const mixed = await ctx.runSet([], [{ ...single, model: { width: 16 } }, base]);
    expect(mixed.map((member) => member.overrides)).toEqual([{}, ...members.map((member) => member.overrides)]);
    expect(runs).toEqual([4, 5]);
    expect(results).toHaveLength(9);
    expect(sets).toHaveLength(1);
    expect(sets[0]).toEqual(members);
  });

  it('run refuses a config with a sweep block (its members need runSet)', async () => {
    const preset: Preset = { name: 'tiny', summary: '', explanation: '', config: base, plots: [] };
    await expect(checkContext(preset, 'full', {}, undefined, undefined, fake).run()).rejects.toThrow(/runSet/);
  });
});
