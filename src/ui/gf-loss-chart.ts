/** <gf-loss-chart>: the training loss against the step on a log axis, drawn on a canvas. */
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';

@customElement('gf-loss-chart')
export class GfLossChart extends LitElement {
  static override styles = css`
    canvas { width: 100%; height: 260px; display: block; border: 1px solid color-mix(in srgb, currentColor 20%, transparent); border-radius: 6px; }
  `;

  /** Loss per logged step (dimensionless), oldest first. */
  @property({ attribute: false }) losses: readonly number[] = [];

  @query('canvas') private canvas!: HTMLCanvasElement;

  override render() {
    return html`<canvas role="img" aria-label="training loss against step, log scale"></canvas>`;
  }

  protected override updated(_changed: PropertyValues): void {
    this.draw();
  }

  private draw(): void {
    const canvas = this.canvas;
    const scale = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(canvas.clientWidth * scale));
    canvas.height = Math.max(1, Math.round(canvas.clientHeight * scale));
    const context = canvas.getContext('2d');
    if (!context) return;
    const { width, height } = canvas;
    const color = getComputedStyle(this).color;
    context.clearRect(0, 0, width, height);
    context.fillStyle = color;
    context.font = `${12 * scale}px system-ui`;
    const finite = this.losses.filter((v) => Number.isFinite(v) && v > 0);
    if (finite.length < 2) {
      context.fillText('waiting for the first steps…', 12 * scale, 20 * scale);
      return;
    }
    const logs = finite.map(Math.log10);
    const low = Math.min(...logs);
    const high = Math.max(...logs);
    const span = Math.max(high - low, 1e-6);
    const pad = 40 * scale;
    context.fillText(`loss ${finite[0]!.toPrecision(3)} → ${finite.at(-1)!.toPrecision(3)} (log axis)`, pad, 16 * scale);
    context.fillText(`step ${finite.length}`, width - 90 * scale, height - 8 * scale);
    context.strokeStyle = '#2a7de1';
    context.lineWidth = 2 * scale;
    context.beginPath();
    logs.forEach((value, i) => {
      const x = pad + ((width - 2 * pad) * i) / (logs.length - 1);
      const y = pad + ((height - 2 * pad) * (high - value)) / span;
      if (i === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    });
    context.stroke();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gf-loss-chart': GfLossChart;
  }
}
