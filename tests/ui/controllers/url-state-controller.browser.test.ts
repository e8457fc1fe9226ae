import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPreset } from '../../../src/experiments/presets';
import { UrlStateController } from '../../../src/ui/controllers/url-state-controller';
import { detachedHost } from './test-host';

const DEFAULT = findPreset('default')!.config as Record<string, unknown>;

describe('UrlStateController', () => {
  let original = '';
  beforeEach(() => {
    original = location.href;
  });
  afterEach(() => {
    history.replaceState(null, '', original);
    document.querySelectorAll('controller-test-host').forEach((host) => host.remove());
  });

  const setSearch = (search: string) => history.replaceState(null, '', `${location.pathname}${search}`);

  function connect(enabled = true) {
    const host = detachedHost();
    let navigations = 0;
    const url = new UrlStateController(host, { fallbackPreset: 'default', onNavigate: () => navigations++, enabled: () => enabled });
    document.body.append(host);
    return { host, url, navigations: () => navigations };
  }

  it('reads the link on connect and then lets the app load it', () => {
    setSearch('?preset=lazy-vs-rich&set=seed=7&hide=optimizer,data.teacher');
    const { url, navigations } = connect();
    expect(url.state).toEqual({ preset: 'lazy-vs-rich', overrides: ['seed=7'], hidden: ['optimizer', 'data.teacher'] });
    expect(navigations()).toBe(1);
  });

  it('reads nothing and follows no history while disabled (no WebGPU: the app shows only its help)', () => {
    setSearch('?preset=lazy-vs-rich');
    const { url, navigations } = connect(false);
    expect(url.state.preset).toBe('default');
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(navigations()).toBe(0);
  });

  it('follows back and forward until the host is disconnected', () => {
    setSearch('?preset=default');
    const { host, url, navigations } = connect();
    setSearch('?preset=default&set=steps=9');
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(url.state.overrides).toEqual(['steps=9']);
    expect(navigations()).toBe(2);
    host.remove();
    window.dispatchEvent(new PopStateEvent('popstate'));
    expect(navigations()).toBe(2);
  });

  it('writes a changed config as overrides of its preset, replacing the history entry', () => {
    setSearch('');
    const { url } = connect();
    const entries = history.length;
    url.recordConfig({ ...DEFAULT, seed: 7, model: { width: 64, scaling: 'mean-field' } });
    expect(url.state.overrides).toEqual(['model.width=64', 'seed=7']); // in the config's field order
    expect(location.search).toBe('?preset=default&set=model.width%3D64&set=seed%3D7');
    expect(history.length).toBe(entries);
    expect(url.problem).toBe('');
  });

  it('says what the link cannot keep, and keeps the last link', () => {
    setSearch('?preset=default&set=seed=7');
    const { url } = connect();
    const { steps: _steps, ...withoutSteps } = DEFAULT;
    url.recordConfig(withoutSteps);
    expect(url.problem).toMatch(/^Not kept in the link: steps was removed/);
    expect(location.search).toBe('?preset=default&set=seed=7');
    expect(url.state.overrides).toEqual(['seed=7']);
  });

  it('sets the state without writing the link (a preset is written with the config that follows it)', () => {
    setSearch('?preset=default&set=seed=7');
    const { url } = connect();
    url.state = { ...url.state, preset: 'lazy-vs-rich', overrides: [] };
    expect(location.search).toBe('?preset=default&set=seed=7');
  });

  it('reads sweep parameters, and writes a changed sweep back as sweep parameters (none: the preset without its sweep)', () => {
    setSearch('?preset=default&sweep=model.width=64,256');
    const { url } = connect();
    expect(url.state).toEqual({ preset: 'default', overrides: [], hidden: [], sweep: ['model.width=64,256'] });
    url.recordConfig({ ...DEFAULT, sweep: { 'model.width': [8, 16], 'model.scaling': ['ntk', 'mean-field'] } });
    expect(url.state.sweep).toEqual(['model.width=8,16', 'model.scaling=ntk,mean-field']);
    expect(location.search).toBe('?preset=default&sweep=model.width%3D8%2C16&sweep=model.scaling%3Dntk%2Cmean-field');
    url.recordConfig({ ...DEFAULT });
    expect(url.state).not.toHaveProperty('sweep');
    expect(location.search).toBe('?preset=default');
    url.state = { ...url.state, preset: 'lazy-vs-rich' };
    const lazy = findPreset('lazy-vs-rich')!.config as Record<string, unknown>;
    const { sweep: _sweep, ...single } = lazy;
    url.recordConfig(single);
    expect(location.search).toBe(lazy.sweep ? '?preset=lazy-vs-rich&sweep=none' : '?preset=lazy-vs-rich');
  });
});

