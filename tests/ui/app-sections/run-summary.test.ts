import { describe, expect, it } from 'vitest';
import { applyOverrides, parseConfig } from '../../../src/config/schema';
import { findPreset } from '../../../src/experiments/presets';
import { changedPaths, runSummary } from '../../../src/ui/app-sections/run-summary';

const preset = findPreset('default')!;
/** The default preset's config with `overrides` (the link's `set=`). */
const withChanges = (...overrides: string[]) => parseConfig(applyOverrides(preset.config as Record<string, unknown>, overrides));

describe("the header's summary", () => {
  it("is the preset's own line while the run trains what the preset trains (a shorter run, another seed or other metrics change nothing)", () => {
    expect(runSummary(preset, withChanges(), undefined)).toBe(preset.summary);
    expect(runSummary(preset, withChanges('steps=400', 'seed=7', 'metrics.every=20'), undefined)).toBe(preset.summary);
    expect(runSummary(preset, undefined, undefined)).toBe(preset.summary);
  });

  it("follows a width-only change: the config's width, not the preset's 2048, and the preset named as changed", () => {
    const summary = runSummary(preset, withChanges('model.width=64'), undefined);
    expect(summary).not.toBe(preset.summary);
    expect(summary).not.toMatch(/2048|2,048/);
    expect(summary).toBe('A mean-field two-layer network of 64 neurons trained on teacher-student data: the default preset with model.width changed.');
  });

  it('names every changed field that says what is trained (in the config\'s order), up to three', () => {
    expect(runSummary(preset, withChanges('optimizer.learningRate=2', 'optimizer.batchSize=8'), undefined)).toMatch(/with optimizer\.learningRate, optimizer\.batchSize changed\.$/);
    expect(runSummary(preset, withChanges('model.width=64', 'model.scaling=ntk', 'optimizer.learningRate=2', 'data.sampleCount=64'), undefined))
      .toMatch(/^A ntk two-layer network of 64 neurons .*with model\.width, model\.scaling, data\.sampleCount and 1 more field changed\.$/);
  });

  it('takes a section whose kind changed as one change', () => {
    expect(changedPaths({ kind: 'teacher-student', sampleCount: 128 }, { kind: 'xor', sampleCount: 128 }, 'data')).toEqual(['data']);
    expect(changedPaths({ kind: 'teacher-student', sampleCount: 128 }, { kind: 'teacher-student', sampleCount: 64 }, 'data')).toEqual(['data.sampleCount']);
    expect(changedPaths({ a: 1 }, { a: 1, b: 2 }, 'model')).toEqual(['model.b']);
    expect(changedPaths([1, 2], [1, 3], 'model.a')).toEqual(['model.a']);
  });
});
