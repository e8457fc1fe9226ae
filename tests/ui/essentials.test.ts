import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema';
import { findPreset } from '../../src/experiments/presets';
import { problemLines } from '../../src/ui/app-sections/problem-banner';
import { validateConfig } from '../../src/ui/config-form';
import { essentialFields, liveValueOf, withEssential } from '../../src/ui/essentials';

const DEFAULT = findPreset('default')!.config as Record<string, unknown>;

describe('the essentials', () => {
  it("are the default preset's learning rate, width, batch size, data, scaling and steps, as text", () => {
    const fields = essentialFields(DEFAULT, [], []);
    expect(fields.map((field) => [field.path, field.kind, field.text])).toEqual([
      ['optimizer.learningRate', 'number', '0.5'],
      ['model.width', 'number', '2048'],
      ['optimizer.batchSize', 'number', ''],
      ['data', 'choice', 'teacher-student'],
      ['model.scaling', 'choice', 'mean-field'],
      ['steps', 'number', '300'],
    ]);
    expect(fields.find((field) => field.path === 'optimizer.batchSize')!.placeholder).toBe('full batch');
    expect(fields.find((field) => field.path === 'data')!.options).toContain('xor');
    expect(fields.find((field) => field.path === 'data')!.options).not.toContain('csv');
    const csv = { ...DEFAULT, data: { kind: 'csv', path: 'upload:drawn.csv' } };
    expect(essentialFields(csv, [], []).find((field) => field.path === 'data')).toMatchObject({ text: 'csv', options: expect.arrayContaining(['csv', 'xor']) });
  });

  it('leave out what the config has not (a landscape has no width, scaling or data) and what the link hides', () => {
    const landscape = findPreset('saddle-avoidance')!.config as Record<string, unknown>;
    // Nor the optimizer's rate, batch size or data, which a landscape's run never reads (its rate is model.spec.learningRate).
    expect(essentialFields(landscape, [], []).map((field) => field.path)).toEqual(['steps']);
    expect(essentialFields(DEFAULT, ['optimizer'], []).map((field) => field.path)).toEqual(['model.width', 'data', 'model.scaling', 'steps']);
  });

  it('keep a bad value as typed, with parseConfig\'s message for its field', () => {
    const typed = withEssential(DEFAULT, 'model.width', '-5');
    expect((typed.model as Record<string, unknown>).width).toBe(-5);
    const width = essentialFields(typed, [], validateConfig(typed)).find((field) => field.path === 'model.width')!;
    expect(width.text).toBe('-5');
    expect(width.problem).toMatch(/got -5; Too small/);
    const word = withEssential(DEFAULT, 'model.width', 'abc');
    expect(essentialFields(word, [], validateConfig(word)).find((field) => field.path === 'model.width')!).toMatchObject({ text: 'abc', problem: expect.stringMatching(/expected number/) });
  });

  it('write numbers as numbers, remove a field left empty, and switch the data kind keeping the fields it shares', () => {
    expect(withEssential(DEFAULT, 'optimizer.batchSize', ' 16 ').optimizer).toMatchObject({ batchSize: 16 });
    expect(withEssential(withEssential(DEFAULT, 'optimizer.batchSize', '16'), 'optimizer.batchSize', '').optimizer).not.toHaveProperty('batchSize');
    expect(withEssential(DEFAULT, 'model.scaling', 'ntk').model).toMatchObject({ scaling: 'ntk' });
    const xor = withEssential(DEFAULT, 'data', 'xor');
    expect(xor.data).toMatchObject({ kind: 'xor', sampleCount: 128 });
    expect(parseConfig(xor).data.kind).toBe('xor');
    expect(liveValueOf('')).toBeUndefined();
    expect(liveValueOf('0.25')).toBe(0.25);
  });
});

describe('the problem banner', () => {
  it("lists a config error's problems one by one, and shows any other message whole", () => {
    expect(problemLines('invalid config:\n  - model.width: got -5; Too small\n  - steps: got 0; Too small')).toEqual(['model.width: got -5; Too small', 'steps: got 0; Too small']);
    expect(problemLines("Unknown preset 'nope' in the link; presets: default")).toEqual(["Unknown preset 'nope' in the link; presets: default"]);
  });
});
