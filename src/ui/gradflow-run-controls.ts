/**
 * <gradflow-run-controls>: play/pause, step, rewind (same initialization), stop, and the settings a
 * run takes without a reset (learning rate, minibatch size, steps per frame, stop-below-loss).
 * Emits `run-command` (detail {command: 'play' | 'pause' | 'step' | 'rewind' | 'stop'}) and
 * `run-setting` (detail {name: 'learningRate' | 'batchSize' | 'stepsPerFrame' | 'stopBelowLoss', value: number | undefined});
 * invalid input is shown next to its field and not emitted.
 */
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';

export type RunCommand = 'play' | 'pause' | 'step' | 'rewind' | 'stop';
export type RunSettingName = 'learningRate' | 'batchSize' | 'stepsPerFrame' | 'stopBelowLoss';

interface FieldRule {
  readonly label: string;
  readonly integer?: boolean;
  /** Empty input means "none" (full batch, no stop condition). */
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

  /** Whether the run is playing (the play button then pauses). */
  @property({ type: Boolean }) playing = false;
  /** Whether a run exists to command (false while starting or after a failure). */
  @property({ type: Boolean }) ready = false;
  /** Whether the run has ended and Play plays on from where it ended (completed or stopped). */
  @property({ type: Boolean, attribute: 'can-continue' }) canContinue = false;
  /** Settings not shown (a link's `hide`, e.g. the optimizer's learning rate and batch size). */
  @property({ attribute: false }) hiddenSettings: readonly RunSettingName[] = [];
  @property({ type: Number, attribute: 'learning-rate' }) learningRate = 0.1;
  /** Empty: full batch. */
  @property({ type: Number, attribute: 'batch-size' }) batchSize: number | undefined;
  @property({ type: Number, attribute: 'sample-count' }) sampleCount = Infinity;
  @property({ type: Number, attribute: 'steps-per-frame' }) stepsPerFrame = 8;
  @property({ type: Number, attribute: 'max-steps-per-frame' }) maxStepsPerFrame = 64;
  @property({ type: Number, attribute: 'stop-below-loss' }) stopBelowLoss: number | undefined;

  @state() private errors: Partial<Record<RunSettingName, string>> = {};

  private readonly rules: Record<RunSettingName, FieldRule> = {
    learningRate: { label: 'Learning rate', min: Number.MIN_VALUE },
    batchSize: { label: 'Batch size', integer: true, optional: 'full batch', min: 1, max: () => this.sampleCount },
    stepsPerFrame: { label: 'Steps per frame', integer: true, min: 1, max: () => this.maxStepsPerFrame },
    stopBelowLoss: { label: 'Stop below loss', optional: 'no stop', min: Number.MIN_VALUE },
  };

  override render() {
    const command = (name: RunCommand) => () => this.emit('run-command', { command: name });
    return html`
      <div class="buttons" role="toolbar" aria-label="Run controls">
        <button ?disabled=${!this.ready && !this.canContinue} @click=${command(this.playing ? 'pause' : 'play')} data-testid="play"
          title=${this.canContinue ? 'Play on from where the run ended' : ''}>${this.playing ? 'Pause' : 'Play'}</button>
        <button ?disabled=${!this.ready} @click=${command('step')} title="Take one step (pauses)">Step</button>
        <button @click=${command('rewind')} title="Start again from the same initialization">Rewind</button>
        <button ?disabled=${!this.ready} @click=${command('stop')}>Stop</button>
      </div>
      <div class="fields">
        ${(['learningRate', 'batchSize', 'stepsPerFrame', 'stopBelowLoss'] as const).filter((name) => !this.hiddenSettings.includes(name))
          .map((name) => this.field(name, this[name]))}
      </div>
    `;
  }

  private field(name: RunSettingName, value: number | undefined) {
    const rule = this.rules[name];
    const error = this.errors[name];
    return html`
      <label for=${name}>${rule.label}</label>
      <input id=${name} name=${name} inputmode="decimal" .value=${value === undefined ? '' : String(value)} placeholder=${rule.optional ?? ''}
        aria-invalid=${error ? 'true' : 'false'} aria-describedby=${`${name}-error`} @change=${(event: Event) => this.changed(name, (event.target as HTMLInputElement).value)} />
      ${error ? html`<span class="error" id=${`${name}-error`} role="alert">${error}</span>` : ''}
    `;
  }

  private changed(name: RunSettingName, text: string): void {
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
