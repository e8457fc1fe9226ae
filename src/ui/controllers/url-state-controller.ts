/**
 * The app's state in the address bar (format in src/app/url-state.ts): read on connect and on every
 * back/forward, written (replaceState: editing a field is not navigation) whenever the config changes.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { decodeAppState, encodeAppState, overridesBetween, sweepParamsBetween, type AppState } from '../../app/url-state';
import { findPreset } from '../../experiments/presets';
import { messageOf } from './error-message';

export interface UrlStateOptions {
  /** The preset of a link that names none. */
  readonly fallbackPreset: string;
  /** Called after the state was read from the address bar (on connect and on back/forward). */
  readonly onNavigate: () => void;
  /** Follow the address bar only while this holds (checked on connect). */
  readonly enabled?: () => boolean;
}

export class UrlStateController implements ReactiveController {
  private current: AppState;
  /** Why the current config is not fully kept in the link, or ''. */
  problem = '';

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: UrlStateOptions,
  ) {
    this.current = { preset: options.fallbackPreset, overrides: [], hidden: [] };
    host.addController(this);
  }

  /** The preset, the overrides of its config and the hidden fields. Setting it does not write the link. */
  get state(): AppState {
    return this.current;
  }

  set state(state: AppState) {
    this.current = state;
    this.host.requestUpdate();
  }

  hostConnected(): void {
    if (this.options.enabled && !this.options.enabled()) return;
    this.read();
    window.addEventListener('popstate', this.onPopState);
    this.options.onNavigate();
  }

  hostDisconnected(): void {
    window.removeEventListener('popstate', this.onPopState);
  }

  /** Keeps `raw` as overrides of the preset's config (and its sweep block as sweep parameters) and writes the link; what cannot be kept becomes `problem`. */
  recordConfig(raw: Record<string, unknown>): void {
    const base = findPreset(this.current.preset)!.config as Record<string, unknown>;
    try {
      const { sweep: _sweep, ...state } = this.current;
      const sweep = sweepParamsBetween(base.sweep, raw.sweep);
      this.state = { ...state, overrides: overridesBetween(base, raw), ...(sweep ? { sweep } : {}) };
      this.problem = '';
      this.write();
    } catch (error) {
      this.problem = `Not kept in the link: ${messageOf(error)}`;
      this.host.requestUpdate();
    }
  }

  private read(): void {
    this.state = decodeAppState(location.search, this.options.fallbackPreset);
  }

  private write(): void {
    const search = encodeAppState(this.current);
    if (search !== location.search) history.replaceState(null, '', `${location.pathname}${search}${location.hash}`);
  }

  private readonly onPopState = () => {
    this.read();
    this.options.onNavigate();
  };
}
