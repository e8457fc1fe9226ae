/**
 * <gradflow-run-controls>: the Run panel's own controls, those found nowhere else on the page: Stop, and the
 * settings a run takes without a reset that only this panel edits (steps per frame, stop-below-loss). Play/pause,
 * Step and Rewind are the transport's (src/ui/app-sections/transport.ts); the learning rate and the batch size
 * are the Essentials panel's. Emits `run-command` (detail {command: 'stop'}) and `run-setting` (detail {name:
 * 'stepsPerFrame' | 'stopBelowLoss', value: number | undefined}); invalid input is shown next to its field and
 * not emitted.
 */
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';

export type RunCommand = 'play' | 'pause' | 'step' | 'rewind' | 'stop';
/** A setting a run takes without a reset: the Essentials panel edits the first two, this panel the others. */
export type RunSettingName = 'learningRate' | 'batchSize' | 'stepsPerFrame' | 'stopBelowLoss';
/** The settings this panel edits. */
type PanelSetting = Extract<RunSettingName, 'stepsPerFrame' | 'stopBelowLoss'>;

interface FieldRule {
  readonly label: string;
  readonly integer?: boolean;
  /** Empty input means "none" (no stop condition). */
  readonly optional?: string;
  readonly min: number;
  readonly max?: () => number;
}

@customElement('gradflow-run-controls')
export class GradflowRunControls extends LitElement {
  static override styles = css`
    :host { display: block; }
    .buttons { display: flex; gap: 0.4rem; flex-wrap: wrap; margin-bottom: 0.6rem; }
    button { font: inherit; padding: 0.3rem 0.8rem; border-radius: 6px; border: 1px solid var(--gf-border, #8884); background: var(--gf-surface, transparent); color: inherit; cursor: pointer; }
    button:focus-visible, input:focus-visible { outline: 2px solid var(--gf-accent, #1565c0); outline-offset: 1px; }
    button[disabled] { opacity: 0.45; cursor: default; }
    .fields { display: grid; grid-template-columns: auto 1fr; gap: 0.3rem 0.6rem; align-items: center; }
    input { font: inherit; width: 100%; box-sizing: border-box; padding: 0.2rem 0.3rem; border-radius: 4px; border: 1px solid var(--gf-border, #8884); background: transparent; color: inherit; }
    input[aria-invalid='true'] { border-color: var(--gf-error, #c62828); }
    .error { grid-column: 2; color: var(--gf-error, #c62828); font-size: 0.85em; margin-top: -0.2rem; }
  `;

  /** Whether a run is playing or paused, so there is one to stop (false while starting or after the end). */
  @property({ type: Boolean }) ready = false;
  @property({ type: Number, attribute: 'steps-per-frame' }) stepsPerFrame = 8;
  @property({ type: Number, attribute: 'max-steps-per-frame' }) maxStepsPerFrame = 64;
  @property({ type: Number, attribute: 'stop-below-loss' }) stopBelowLoss: number | undefined;

  @state() private errors: Partial<Record<PanelSetting, string>> = {};

  private readonly rules: Record<PanelSetting, FieldRule> = {
    stepsPerFrame: { label: 'Steps per frame', integer: true, min: 1, max: () => this.maxStepsPerFrame },
    stopBelowLoss: { label: 'Stop below loss', optional: 'no stop', min: Number.MIN_VALUE },
  };

  override render() {
    return html`
      <div class="buttons" role="toolbar" aria-label="Run controls">
        <button ?disabled=${!this.ready} @click=${() => this.emit('run-command', { command: 'stop' })} data-testid="stop"
          title="End the run here (Play then plays on from where it ended)">Stop</button>
      </div>
      <div class="fields">
        ${(['stepsPerFrame', 'stopBelowLoss'] as const).map((name) => this.field(name, this[name]))}
      </div>
    `;
  }

  private field(name: PanelSetting, value: number | undefined) {
    const rule = this.rules[name];
    const error = this.errors[name];
    return html`
      <label for=${name}>${rule.label}</label>
      <input id=${name} name=${name} inputmode="decimal" .value=${value === undefined ? '' : String(value)} placeholder=${rule.optional ?? ''}
        aria-invalid=${error ? 'true' : 'false'} aria-describedby=${`${name}-error`} @change=${(event: Event) => this.changed(name, (event.target as HTMLInputElement).value)} />
      ${error ? html`<span class="error" id=${`${name}-error`} role="alert">${error}</span>` : ''}
    `;
  }

  private changed(name: PanelSetting, text: string): void {
    const rule = this.rules[name];
    const trimmed = text.trim();
    let problem = '';
    let value: number | undefined;
    if (trimmed === '' && rule.optional) value = undefined;
    else {
      value = Number(trimmed);
      const max = rule.max?.() ?? Infinity;
      if (trimmed === '' || !Number.isFinite(value)) problem = 'enter a number';
      else if (rule.integer && !Number.isInteger(value)) problem = 'enter a whole number';
      else if (value < rule.min) problem = rule.min === Number.MIN_VALUE ? 'must be positive' : `at least ${rule.min}`;
      else if (value > max) problem = `at most ${max}`;
    }
    this.errors = { ...this.errors, [name]: problem };
    if (!problem) this.emit('run-setting', { name, value });
  }

  private emit(type: string, detail: object): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradflow-run-controls': GradflowRunControls;
  }
}
