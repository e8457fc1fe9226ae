import { describe, expect, it } from 'vitest';
import { configOfState, decodeAppState, encodeAppState, overridesBetween } from '../../src/app/url-state';
import { parseConfig } from '../../src/config/schema';
import { findPreset } from '../../src/experiments/presets';

describe('app state in the URL', () => {
  const base = findPreset('default')!.config as Record<string, unknown>;

  it('round-trips preset, overrides and hidden fields through the query string', () => {
    const state = { preset: 'lazy-vs-rich', overrides: ['model.width=512', 'model.scaling=ntk', 'data.teacher={"kind":"circle"}'], hidden: ['optimizer', 'data.teacher'] };
    const search = encodeAppState(state);
    expect(decodeAppState(search, 'default')).toEqual(state);
    expect(decodeAppState('?hide=a,b&hide=c', 'default')).toEqual({ preset: 'default', overrides: [], hidden: ['a', 'b', 'c'] });
  });

  it('encodes exactly the changed leaves, and applying them reproduces the changed config', () => {
    const changed = structuredClone(base) as Record<string, any>;
    changed.seed = 7;
    changed.model.width = 100;
    changed.model.scaling = 'ntk';
    changed.optimizer.rule = { kind: 'momentum', beta: 0.9 };
    changed.metrics.names = ['loss'];
    changed.name = '42'; // a string that reads as JSON stays a string
    const overrides = overridesBetween(base, changed);
    expect(overrides).toEqual(['name="42"', 'model.width=100', 'model.scaling=ntk', 'optimizer.rule={"kind":"momentum","beta":0.9}', 'metrics.names=["loss"]', 'seed=7']);
    const restored = configOfState(base, { overrides });
    expect(restored).toEqual(changed);
    expect(parseConfig(restored)).toEqual(parseConfig(changed));
    expect(overridesBetween(base, structuredClone(base))).toEqual([]);
  });

  it('replaces a section that lost a field whole, and refuses a removed top-level field', () => {
    const changed = structuredClone(base) as Record<string, any>;
    changed.data = { kind: 'csv', path: 'upload:points.csv' };
    const overrides = overridesBetween(base, changed);
    expect(overrides).toEqual(['data={"kind":"csv","path":"upload:points.csv"}']);
    expect(configOfState(base, { overrides })).toEqual(changed);
    const removed = structuredClone(base) as Record<string, any>;
    delete removed.model;
    expect(() => overridesBetween(base, removed)).toThrow(/model was removed/);
  });
});
