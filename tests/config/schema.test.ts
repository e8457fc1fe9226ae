import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors';
import { applyOverrides, parseConfig } from '../../src/config/schema';
import { parseInitFile, weightsToJson } from '../../src/models/two-layer/init-file';
import { PRESETS } from '../../src/experiments/presets';

describe('config schema', () => {
  it('fills in every default from an empty object', () => {
    const config = parseConfig({});
    expect(config.model).toMatchObject({ kind: 'two-layer', width: 256, scaling: 'mean-field', alpha: 1, bias: false, trainable: 'both' });
    expect(config.data).toMatchObject({ kind: 'teacher-student', sampleCount: 256, inputDim: 2 });
    expect(config.optimizer).toMatchObject({ rule: { kind: 'gd' }, learningRate: 0.1, withReplacement: false });
    expect(config.backend).toBe('gpu');
  });

  it('names the field, the bad value and what is allowed, for every problem at once', () => {
    let error: unknown;
    try {
      parseConfig({ model: { width: -3, scaling: 'lazy' }, optimizer: { learningRate: 'fast' }, colour: 'red' }, 'my.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^invalid my\.json/);
    expect(message).toMatch(/model\.width: got -3; .*>=1/);
    expect(message).toMatch(/model\.scaling: got "lazy"; .*"mean-field"\|"ntk"\|"standard"/);
    expect(message).toMatch(/optimizer\.learningRate: got "fast"; .*number/);
    expect(message).toMatch(/colour/);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it('accepts a rule by name or with settings, a schedule starting at the learning rate, and JKO', () => {
    const config = parseConfig({ optimizer: { rule: 'adam', learningRate: 0.02, schedule: { kind: 'cosine', decaySteps: 100 } } });
    expect(config.optimizer.rule).toEqual({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    expect(config.optimizer.schedule).toMatchObject({ kind: 'cosine', learningRate: 0.02, decaySteps: 100, finalLearningRate: 0, warmupSteps: 0 });
    expect(parseConfig({ optimizer: { jko: { tau: 0.1, innerLearningRate: 0.01 } } }).optimizer.jko).toEqual({ tau: 0.1, innerSteps: 20, innerLearningRate: 0.01 });
    expect(() => parseConfig({ optimizer: { rule: 'lbfgs' } })).toThrow(/optimizer\.rule/);
    expect(() => parseConfig({ data: { kind: 'xor', flip: 0.1 } })).toThrow(/data.*flip/);
    expect(parseConfig({ seed: 9 }).data).toMatchObject({ seed: 9 });
  });

  it('gives a run one base rate: a schedule starts at optimizer.learningRate, or gives it when the optimizer does not', () => {
    const fromSchedule = parseConfig({ optimizer: { schedule: { kind: 'inverse-sqrt', learningRate: 0.3 } } });
    expect(fromSchedule.optimizer.learningRate).toBe(0.3);
    expect(fromSchedule.optimizer.schedule!.learningRate).toBe(0.3);
    expect(parseConfig({ optimizer: { learningRate: 0.3, schedule: { kind: 'constant', learningRate: 0.3 } } }).optimizer.schedule!.learningRate).toBe(0.3);
    expect(() => parseConfig({ optimizer: { learningRate: 0.1, schedule: { kind: 'constant', learningRate: 0.3 } } })).toThrow(/optimizer\.schedule\.learningRate: got 0\.3; a schedule starts at the run's rate/);
  });

  it('applies --set overrides as JSON values or bare strings', () => {
    const raw = applyOverrides({ model: { width: 8 } }, ['model.width=512', 'model.scaling=ntk', 'optimizer.batchSize=32', 'model.bias=true']);
    expect(raw).toEqual({ model: { width: 512, scaling: 'ntk', bias: true }, optimizer: { batchSize: 32 } });
    expect(() => applyOverrides({}, ['width'])).toThrow(/expected path=value/);
    // Nothing reaches Object.prototype through a path (issue 14, defect 5): a config error, exit 2.
    for (const path of ['__proto__.polluted', 'model.__proto__.polluted', 'constructor.prototype.polluted', 'prototype']) {
      expect(() => applyOverrides({ model: {} }, [`${path}=1`]), path).toThrow(ConfigError);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // 1e999 parses to Infinity, which JSON.stringify would show as null.
    expect(() => parseConfig(applyOverrides({}, ['optimizer.learningRate=1e999']))).toThrow(/optimizer\.learningRate: got Infinity/);
    // --steps 1e12 would keep 10^12 step losses (issue 14, defect 10): refused with the limit and why.
    expect(() => parseConfig({ steps: 1e12 })).toThrow(/steps: got 1000000000000; at most 10,000,000 steps: every step's loss is kept/);
    expect(parseConfig({ steps: 10_000_000 }).steps).toBe(10_000_000);
    expect(() => applyOverrides({ steps: 3 }, ['steps.x=1'])).toThrow(/steps is not an object/);
  });

  it('every preset validates', () => {
    for (const preset of PRESETS) expect(() => parseConfig(preset.config, preset.name)).not.toThrow();
  });
});

describe('init file', () => {
  it('round-trips weights and names every problem', () => {
    const weights = { a: new Float32Array([1, -2]), W: new Float32Array([1, 2, 3, 4, 5, 6]) };
    const text = JSON.stringify(weightsToJson(weights, 3));
    const back = parseInitFile(text, 2, 3, false);
    expect(Array.from(back.a)).toEqual([1, -2]);
    expect(Array.from(back.W)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => parseInitFile('{"a": [1], "W": [[1, 2]]}', 2, 3, false, 'init.json')).toThrow(/init\.json: "a" has 1 entries, the model has width 2/);
    expect(() => parseInitFile('{"a": [1, 2], "W": [[1, 2, 3], [4, null, 6]]}', 2, 3, false, 'init.json')).toThrow(/"W"\[1\]\[1\] is null/);
    expect(() => parseInitFile('{"a": [1, 2], "W": [[1, 2, 3], [4, 5, 6]], "b": [0, 0]}', 2, 3, false)).toThrow(/"b" is given but model\.bias is false/);
    expect(() => parseInitFile('not json', 2, 3, false)).toThrow(/not valid JSON/);
  });
});
