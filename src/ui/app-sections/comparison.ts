/**
 * A run set's comparison block above the metric charts: the legend every chart shares (the colour scale of
 * the swept value with a tick per member value, and the dash pattern of a second swept path), and the preset's
 * summary charts (src/ui/summary-data.ts), drawn live from the members' latest rows.
 */
import { html, nothing } from 'lit';
import { DASHES, formatSweptValue, labelledTicks, scaleColor, scaleGradient, type SweepScales } from '../sweep-style';
import type { SummaryPanel } from '../summary-data';
import { saveSectionPng } from './save-png';

export interface Comparison {
  readonly scales: SweepScales | undefined;
  readonly memberCount: number;
  readonly dark: boolean;
  readonly panels: readonly SummaryPanel[];
}

export function comparison({ scales, memberCount, dark, panels }: Comparison) {
  return html`
    <section class="panel comparison" data-testid="comparison">
      <div class="comparison-head">
        <h2>Comparing ${memberCount} member${memberCount === 1 ? '' : 's'}</h2>
        ${scales ? sweepLegend(scales, dark) : nothing}
      </div>
      ${panels.length > 0
        ? html`<div class="summaries">${panels.map((panel) => html`<div class="chart summary">
            <gradflow-summary-chart data-testid="summary-chart" data-panel=${panel.id} .panel=${panel} .pointColor=${pointColorOf(scales, panel, dark)}></gradflow-summary-chart>
            <button class="png" @click=${(event: Event) => saveSectionPng(event, 'gradflow-summary-chart', `${panel.id}-summary.png`)} aria-label=${`Save the ${panel.title} chart as PNG`}>PNG</button>
          </div>`)}</div>`
        : nothing}
    </section>`;
}

const pointColors = new Map<string, (x: number) => string | undefined>();

/** The markers' fill of a panel whose x is the colour path (the same function while the scale and theme stay, so the chart keeps its plot). */
function pointColorOf(scales: SweepScales | undefined, panel: SummaryPanel, dark: boolean): ((x: number) => string | undefined) | undefined {
  if (!scales || panel.kind !== 'xy' || panel.xPath !== scales.colour.path || scales.colour.kind === 'categorical') return undefined;
  const key = JSON.stringify([scales.colour, dark]);
  let color = pointColors.get(key);
  if (!color) {
    const colour = scales.colour;
    color = (x: number) => (colour.values.includes(x) ? scaleColor(colour, x, dark) : undefined);
    pointColors.set(key, color);
  }
  return color;
}

/** The colour scale (a gradient bar with every swept value at its place, or swatches) and the dash key. */
export function sweepLegend(scales: SweepScales, dark: boolean) {
  const { colour, dash } = scales;
  const label = (path: string) => html`<code>${path}</code>`;
  const colourKey = colour.kind === 'categorical'
    ? html`<span class="swatches">${colour.values.map((value) => html`<span class="swatch"><i class="chip" style="background:${scaleColor(colour, value, dark)}"></i>${formatSweptValue(value)}</span>`)}</span>`
    : html`<span class="scale" role="img" aria-label=${`colour scale of ${colour.path}: ${colour.values.map(formatSweptValue).join(', ')}`}>
        <span class="scale-bar" style="background:${scaleGradient(dark)}"></span>
        ${labelledTicks(colour).map(({ value, t, labelled }) => html`<span class="scale-tick" style="left:${(100 * t).toFixed(2)}%">${labelled ? formatSweptValue(value) : ''}</span>`)}
      </span>`;
  return html`<div class="sweep-legend" data-testid="sweep-legend">
      <span class="legend-part">colour: ${label(colour.path)}${colour.kind === 'log' ? html` <span class="muted">(log scale)</span>` : nothing} ${colourKey}</span>
      ${dash
        ? html`<span class="legend-part">line: ${label(dash.path)}
            ${dash.values.map((value, i) => html`<span class="swatch"><svg width="28" height="10" aria-hidden="true"><line x1="1" y1="5" x2="27" y2="5" stroke="currentColor" stroke-width="2" stroke-dasharray=${DASHES[i % DASHES.length]!.join(' ')} /></svg>${formatSweptValue(value)}</span>`)}</span>`
        : nothing}
    </div>`;
}
