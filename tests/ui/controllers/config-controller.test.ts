import { describe, expect, it } from 'vitest';
import { ConfigController, type RawConfig } from '../../../src/ui/controllers/config-controller';
import { findPreset } from '../../../src/experiments/presets';
import { fakeHost } from './fake-host';

const DEFAULT = findPreset('default')!.config as RawConfig;

function controller() {
  const host = fakeHost();
  const changes: RawConfig[] = [];
  return { host, changes, experiment: new ConfigController(host, 'default', (raw) => changes.push(raw)) };
}

describe('ConfigController (the experiment being edited)', () => {
  it("loads a link's preset with its overrides and validates it into the config to run", () => {
    const { host, experiment } = controller();
    const state = { preset: 'default', overrides: ['model.width=64', 'seed=7'], hidden: [] };
    expect(experiment.load(state)).toBe(state);
    expect(experiment.raw).toMatchObject({ ...DEFAULT, model: { width: 64, scaling: 'mean-field' }, seed: 7 });
    const config = experiment.validate();
    expect(config?.model).toMatchObject({ kind: 'two-layer', width: 64 });
    expect(experiment.config).toBe(config);
    expect(experiment.problem).toBe('');
    expect(host.updates).toBeGreaterThan(0);
  });

  it('falls back to the default preset for an unknown one, and keeps saying so after validation', () => {
    const { experiment } = controller();
    const loaded = experiment.load({ preset: 'no-such-preset', overrides: ['seed=3'], hidden: ['optimizer'] });
    expect(loaded).toEqual({ preset: 'default', overrides: ['seed=3'], hidden: ['optimizer'] });
    expect(experiment.raw.seed).toBe(3);
    expect(experiment.validate()).toBeDefined();
    expect(experiment.problem).toMatch(/^Unknown preset 'no-such-preset' in the link; presets: default, /);
  });

  it("runs the preset as it is when the link's changes cannot be applied", () => {
    const { experiment } = controller();
    experiment.load({ preset: 'default', overrides: ['model.width'], hidden: [] });
    expect(experiment.raw).toEqual(DEFAULT);
    expect(experiment.problem).toMatch(/^The link's changes could not be applied: /);
  });

  it('shows why an invalid config is not run', () => {
    const { experiment } = controller();
    experiment.replace({ ...DEFAULT, steps: -1 });
    expect(experiment.validate()).toBeUndefined();
    expect(experiment.config).toBeUndefined();
    expect(experiment.problem).toMatch(/steps/);
  });

  it('sets and removes single fields, validated, and tells the link every new raw config', () => {
    const { experiment, changes } = controller();
    experiment.load({ preset: 'default', overrides: [], hidden: [] });
    experiment.validate();
    const before = experiment.raw;
    experiment.setField(['optimizer', 'batchSize'], 16);
    expect(experiment.raw.optimizer).toEqual({ rule: 'gd', learningRate: 0.5, batchSize: 16 });
    expect(experiment.config?.optimizer.batchSize).toBe(16);
    expect(before).toEqual(DEFAULT); // a copy was changed
    experiment.setField(['optimizer', 'batchSize'], undefined);
    expect(experiment.raw.optimizer).toEqual({ rule: 'gd', learningRate: 0.5 });
    expect(changes).toHaveLength(2);
    expect(changes[1]).toBe(experiment.raw);
    experiment.setField(['optimizer', 'learningRate'], -1);
    expect(experiment.problem).toMatch(/learningRate/);
    experiment.report('');
    expect(experiment.problem).toBe('');
  });

  it("trains a link's sweep, and says why a sweep cannot run: a malformed parameter, a shared field, too many members", () => {
    const { experiment } = controller();
    experiment.load({ preset: 'default', overrides: ['steps=20'], hidden: [], sweep: ['model.width=16,32', 'model.scaling=ntk,mean-field'] });
    expect(experiment.raw).toMatchObject({ steps: 20, sweep: { 'model.width': [16, 32], 'model.scaling': ['ntk', 'mean-field'] } });
    expect(experiment.validate()?.sweep).toEqual({ 'model.width': [16, 32], 'model.scaling': ['ntk', 'mean-field'] });
    expect(experiment.problem).toBe('');

    // A malformed sweep keeps the link's other changes, and its problem stays shown after validation.
    experiment.load({ preset: 'default', overrides: ['steps=20'], hidden: [], sweep: ['model.width'] });
    expect(experiment.raw).toMatchObject({ steps: 20 });
    expect(experiment.raw).not.toHaveProperty('sweep');
    expect(experiment.validate()).toBeDefined();
    expect(experiment.problem).toMatch(/^The link's changes could not be applied: sweep=model\.width in the link has no path=values/);
    experiment.report('');

    experiment.load({ preset: 'default', overrides: [], hidden: [], sweep: ['data.sampleCount=16,32'] });
    expect(experiment.validate()).toBeUndefined();
    expect(experiment.problem).toMatch(/data must be the same for every member of a run set/);
    experiment.load({ preset: 'default', overrides: [], hidden: [], sweep: ['model.widht=16,32'] });
    expect(experiment.validate()).toBeUndefined();
    expect(experiment.problem).toMatch(/sweep point model\.widht=16/);
    experiment.load({ preset: 'default', overrides: [], hidden: [], sweep: ['seed=[1,2,3,4,5,6,7,8,9]', 'model.width=[1,2,3,4,5,6,7,8]'] });
    expect(experiment.validate()).toBeUndefined();
    expect(experiment.problem).toMatch(/72 members; the app trains at most 64/);
  });
});
