import { describe, expect, it } from 'vitest';
import { configOfState, decodeAppState, encodeAppState, overridesBetween, parseSweepParams, sweepParamsBetween, SweepLinkError } from '../../src/app/url-state';
import { parseConfig } from '../../src/config/schema';
import { findPreset } from '../../src/experiments/presets';
import { BrowserFiles, UploadNotInTabError } from '../../src/app/browser-files';
import { buildProblem } from '../../src/models/two-layer/problem';
import { drawnPath, pointsCsv } from '../../src/app/drawn-points';

describe('app state in the URL', () => {
  const base = findPreset('default')!.config as Record<string, unknown>;

  it('round-trips preset, overrides and hidden fields through the query string', () => {
    const state = { preset: 'lazy-vs-rich', overrides: ['model.width=512', 'model.scaling=ntk', 'data.teacher={"kind":"circle"}'], hidden: ['optimizer', 'data.teacher'] };
    const search = encodeAppState(state);
    expect(decodeAppState(search, 'default')).toEqual(state);
    expect(decodeAppState('?hide=a,b&hide=c', 'default')).toEqual({ preset: 'default', overrides: [], hidden: ['a', 'b', 'c'] });
  });

  it('carries drawn points in the link: a fresh tab reads the same training data from it', async () => {
    const points = [{ x: -0.75, y: 0.75, label: 1 }, { x: 0.3125, y: -1.2, label: -1 }];
    const drawn = { ...structuredClone(base), data: { kind: 'csv', path: drawnPath(points), loss: 'square' } };
    const search = encodeAppState({ preset: 'default', overrides: overridesBetween(base, drawn), hidden: [] });
    expect(search.length).toBeLessThan(200);
    const raw = configOfState(base, decodeAppState(search, 'default'));
    const data = parseConfig(raw).data as { kind: string; path: string };
    expect(data.path).toBe(drawnPath(points));
    expect(await new BrowserFiles().readText(data.path)).toBe(pointsCsv(points)); // no upload needed in the new tab
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

  it('carries a CSV test file (data.testPath) in the link; a fresh tab that lacks it names the test file', async () => {
    const changed = structuredClone(base) as Record<string, any>;
    changed.data = { kind: 'csv', path: 'upload:train.csv', testPath: 'upload:test.csv', loss: 'square' };
    const overrides = overridesBetween(base, changed);
    expect(overrides).toEqual(['data={"kind":"csv","path":"upload:train.csv","testPath":"upload:test.csv","loss":"square"}']);
    const config = parseConfig(configOfState(base, { overrides }));
    // The train file uploaded again in the new tab, the test file not yet: the run names the test file.
    const files = new BrowserFiles();
    files.add('train.csv', 'x0,x1,y\n1,2,3\n');
    const failure = await buildProblem(config, files.readText).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(UploadNotInTabError);
    expect((failure as UploadNotInTabError).fileName).toBe('test.csv');
    expect((failure as Error).message).toMatch(/test\.csv, a file uploaded in another tab: uploaded files do not travel in links\. Upload test\.csv again/);
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

describe('the sweep in the URL', () => {
  const lazy = findPreset('default')!.config as Record<string, unknown>;

  it('reads sweep=path=v1,v2 parameters into a sweep block, numbers as numbers and bare words as strings, in link order', () => {
    const state = decodeAppState('?preset=default&sweep=model.width=64,256,1024,4096&sweep=model.scaling=ntk,mean-field', 'default');
    expect(state.sweep).toEqual(['model.width=64,256,1024,4096', 'model.scaling=ntk,mean-field']);
    const block = parseSweepParams(state.sweep)!;
    expect(block).toEqual({ 'model.width': [64, 256, 1024, 4096], 'model.scaling': ['ntk', 'mean-field'] });
    expect(Object.keys(block)).toEqual(['model.width', 'model.scaling']);
    expect(parseSweepParams(['optimizer.learningRate=[0.1, 1e-2]'])).toEqual({ 'optimizer.learningRate': [0.1, 0.01] });
    expect(parseSweepParams(undefined)).toBeUndefined();
    expect(parseSweepParams(['none'])).toBeNull();
    // A link without sweep parameters has no sweep key: its state is what it was before sweeps.
    expect(decodeAppState('?preset=default&set=seed=1', 'default')).toEqual({ preset: 'default', overrides: ['seed=1'], hidden: [] });
  });

  it('says what is wrong with a malformed sweep parameter, naming it', () => {
    expect(() => parseSweepParams(['model.width'])).toThrow(/sweep=model\.width in the link has no path=values: write it as sweep=path=value1,value2/);
    expect(() => parseSweepParams(['=64,256'])).toThrow(/no path=values/);
    expect(() => parseSweepParams(['model.width='])).toThrow(/sweep model\.width in the link has no values/);
    expect(() => parseSweepParams(['model.width=64,,256'])).toThrow(/value 2 of '64,,256' is empty/);
    expect(() => parseSweepParams(['model.width=64,256', 'model.width=1024'])).toThrow(/model\.width is given twice/);
    expect(() => parseSweepParams(['model.width=64,64'])).toThrow(/lists 64 twice/);
    expect(() => parseSweepParams(['model.width=[64,'])).toThrow(/not a JSON array/);
    expect(() => parseSweepParams(['model width=1,2'])).toThrow(/'model width' is not a config path/);
    expect(() => parseSweepParams(['none', 'model.width=1,2'])).toThrow(/sweep=none .* cannot be combined/);
    expect(() => parseSweepParams(['sweep.x=1,2'])).toThrow(/cannot sweep itself/);
    for (const bad of [['model.width'], ['model.width=1,1']]) expect(() => parseSweepParams(bad)).toThrow(SweepLinkError);
  });

  it("puts the link's sweep in place of the preset's, or removes it with sweep=none", () => {
    const withSweep = { ...lazy, sweep: { 'model.width': [64, 128] } };
    expect(configOfState(lazy, { overrides: ['seed=3'], sweep: ['model.width=8,16'] })).toMatchObject({ seed: 3, sweep: { 'model.width': [8, 16] } });
    expect(configOfState(withSweep, { overrides: [] }).sweep).toEqual({ 'model.width': [64, 128] });
    expect(configOfState(withSweep, { overrides: [], sweep: ['none'] })).not.toHaveProperty('sweep');
    expect(() => configOfState(lazy, { overrides: [], sweep: ['model.width'] })).toThrow(SweepLinkError);
  });

  it('writes the sweep back as parameters only when it differs from the preset, and reads them back the same', () => {
    const preset = { 'model.scaling': ['ntk', 'mean-field'], 'model.width': [64, 256] };
    expect(sweepParamsBetween(preset, structuredClone(preset))).toBeUndefined();
    expect(sweepParamsBetween(undefined, undefined)).toBeUndefined();
    expect(sweepParamsBetween(preset, undefined)).toEqual(['none']);
    const changed = { 'optimizer.learningRate': [0.5, 1e-3], 'model.scaling': ['mean-field'], name: ['64', 'a b'], 'model.spec.start': [[1, 2], [3, 4]] };
    const params = sweepParamsBetween(preset, changed)!;
    expect(params).toEqual(['optimizer.learningRate=0.5,0.001', 'model.scaling=mean-field', 'name=["64","a b"]', 'model.spec.start=[[1,2],[3,4]]']);
    expect(parseSweepParams(params)).toEqual(changed);
    const search = encodeAppState({ preset: 'lazy-vs-rich', overrides: ['seed=2'], hidden: [], sweep: params });
    expect(decodeAppState(search, 'default').sweep).toEqual(params);
    // The sweep block is never an override: its paths hold dots.
    expect(overridesBetween({ ...lazy, sweep: preset }, { ...lazy, sweep: changed })).toEqual([]);
  });
});
