/**
 * The experiment being edited: the raw config (what the editor shows and the link encodes), its validated
 * form (what a run is started with), and the one problem shown under the editor.
 */
import type { ReactiveControllerHost } from 'lit';
import { configOfState, type AppState } from '../../app/url-state';
import { ConfigError } from '../../config/errors';
import { expandSweep } from '../../config/run-set';
import { parseConfig, type ExperimentConfig } from '../../config/schema';
import { findPreset, PRESETS } from '../../experiments/presets';
import { messageOf } from './error-message';

export type RawConfig = Record<string, unknown>;

const UNKNOWN_PRESET = 'Unknown preset';

/** The most members the app trains at once (each one its own buffers, views and chart series). */
export const MAX_APP_MEMBERS = 64;

/** Holds state for its host and asks it to re-render; no lifecycle hooks, so it is not registered with addController. */
export class ConfigController {
  raw: RawConfig = {};
  /** The raw config validated; undefined while it is invalid (then `problem` says why). */
  config: ExperimentConfig | undefined;
  /** What is wrong with the link, the config or the last setting, or ''. */
  problem = '';
  /** What the loaded link got wrong ('' once another problem is reported). */
  private linkProblem = '';

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The preset of links that name an unknown one. */
    private readonly fallbackPreset: string,
    /** Called with every new raw config (the link follows it). */
    private readonly onChange: (raw: RawConfig) => void,
  ) {}

  /**
   * The raw config of a link: its preset's config with its overrides and its sweep. Returns the state loaded,
   * which names the fallback preset in place of an unknown one. What the link got wrong (an unknown preset,
   * changes or a sweep that cannot be applied) stays shown, also after validation, until another problem is reported.
   */
  load(state: AppState): AppState {
    const preset = findPreset(state.preset);
    const problems: string[] = [];
    if (!preset) problems.push(`${UNKNOWN_PRESET} '${state.preset}' in the link; presets: ${PRESETS.map((p) => p.name).join(', ')}. Running '${this.fallbackPreset}' instead.`);
    const loaded = preset ? state : { ...state, preset: this.fallbackPreset };
    const base = (preset ?? findPreset(this.fallbackPreset)!).config as RawConfig;
    try {
      this.raw = configOfState(base, loaded);
    } catch (error) {
      // The overrides alone, when only the sweep is what cannot be read.
      try {
        this.raw = configOfState(base, { overrides: loaded.overrides });
      } catch {
        this.raw = structuredClone(base);
      }
      problems.push(`The link's changes could not be applied: ${messageOf(error)}`);
    }
    if (problems.length > 0) this.report(problems.join('\n'));
    this.linkProblem = problems.join('\n');
    this.host.requestUpdate();
    return loaded;
  }

  /** Validates the raw config (a sweep block: every member too): the config to run, or undefined with the problem shown. */
  validate(): ExperimentConfig | undefined {
    try {
      const config = parseConfig(this.raw, 'config');
      if (config.sweep) {
        const count = Object.values(config.sweep).reduce((product, values) => product * values.length, 1);
        if (count > MAX_APP_MEMBERS) throw new ConfigError([`sweep: ${count} members; the app trains at most ${MAX_APP_MEMBERS} at once (run larger sweeps with gradflow sweep)`], 'the config');
        expandSweep(this.raw, 'the config');
      }
      this.config = config;
      this.problem = this.linkProblem;
    } catch (error) {
      this.config = undefined;
      this.problem = error instanceof ConfigError ? error.message : messageOf(error);
    }
    this.host.requestUpdate();
    return this.config;
  }

  /** A new raw config (from the editor, an upload), not validated yet. */
  replace(raw: RawConfig): void {
    this.raw = raw;
    this.host.requestUpdate();
    this.onChange(raw);
  }

  /** Sets one field (removes it for undefined) of a running experiment: validated, without a new run. */
  setField(path: readonly string[], value: unknown): void {
    const raw = structuredClone(this.raw);
    let node = raw;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as RawConfig;
    if (value === undefined) delete node[path.at(-1)!];
    else node[path.at(-1)!] = value;
    this.replace(raw);
    try {
      this.config = parseConfig(raw, 'config');
      // A valid config again: what was wrong with an earlier value is no longer (the link's own problem stays).
      this.problem = this.linkProblem;
    } catch (error) {
      this.report(messageOf(error));
    }
  }

  /** Shows `message` as the problem ('' clears it). */
  report(message: string): void {
    this.problem = message;
    this.linkProblem = '';
    this.host.requestUpdate();
  }
}
