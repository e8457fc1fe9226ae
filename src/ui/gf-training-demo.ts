/**
 * <gf-training-demo>: starts the default experiment on load and shows its loss falling, with the
 * adapter, the width and the measured steps per second. Training runs in a ReactiveController that
 * starts on connect and stops on disconnect.
 */
import { LitElement, css, html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { requestGpu } from '../gpu/device';
import { createDefaultRun, type TrainingRun } from '../experiments/default-run';
import './gf-loss-chart';

/** Runs `run.train(stepsPerFrame)` once per animation frame while the host is connected. */
class TrainingLoop implements ReactiveController {
  losses: number[] = [];
  stepsPerSecond = 0;
  error = '';
  adapter = '';
  run: TrainingRun | undefined;
  private running = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly stepsPerFrame: () => number,
    private readonly maxSteps: () => number,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.running = true;
    void this.start();
  }

  hostDisconnected(): void {
    this.running = false;
    this.run?.destroy();
    this.run = undefined;
  }

  private async start(): Promise<void> {
    try {
      const gpu = await requestGpu();
      this.adapter = gpu.adapterDescription;
      this.run = await createDefaultRun(gpu);
      this.host.requestUpdate();
      while (this.running && this.losses.length < this.maxSteps()) {
        const started = performance.now();
        const losses = await this.run.train(this.stepsPerFrame());
        this.stepsPerSecond = (losses.length * 1000) / Math.max(1, performance.now() - started);
        this.losses = [...this.losses, ...losses];
        this.host.requestUpdate();
        if (losses.some((v) => !Number.isFinite(v))) throw new Error(`training diverged at step ${this.losses.findIndex((v) => !Number.isFinite(v))}`);
        await new Promise(requestAnimationFrame);
      }
    } catch (error) {
      this.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.host.requestUpdate();
    }
  }
}

@customElement('gf-training-demo')
export class GfTrainingDemo extends LitElement {
  static override styles = css`
    :host { display: block; }
    .facts { display: flex; gap: 1.5rem; flex-wrap: wrap; margin: 0.5rem 0; font-variant-numeric: tabular-nums; }
    .error { color: #c62828; white-space: pre-wrap; }
  `;

  /** Training steps recorded per animation frame (one queue submit each). */
  @property({ type: Number, attribute: 'steps-per-frame' }) stepsPerFrame = 10;
  /** Stop after this many steps. */
  @property({ type: Number, attribute: 'max-steps' }) maxSteps = 5000;

  private loop = new TrainingLoop(this, () => this.stepsPerFrame, () => this.maxSteps);

  override render() {
    const { losses, error, run, adapter, stepsPerSecond } = this.loop;
    const last = losses.at(-1);
    return html`
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <p>${run ? run.description : error ? '' : 'Starting WebGPU…'}</p>
      <div class="facts">
        <span>adapter: <b>${adapter || '…'}</b></span>
        <span>step: <b data-testid="step">${losses.length}</b></span>
        <span>loss: <b data-testid="loss">${last === undefined ? '…' : last.toExponential(4)}</b></span>
        <span>steps/s: <b>${stepsPerSecond.toFixed(0)}</b></span>
      </div>
      <gf-loss-chart .losses=${losses}></gf-loss-chart>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gf-training-demo': GfTrainingDemo;
  }
}
