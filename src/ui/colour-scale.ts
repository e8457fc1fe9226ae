/**
 * What the views' colours and sizes mean. The function view: a colour bar for f (its diverging map is
 * symmetric around 0 and scaled by max |f| over the grid, so the bar's ends are -max|f| and +max|f|; its zero is
 * white, or the background in a dark theme), and the
 * key to the data points' shapes. The particle view: the sign of a_j as colour, |a_j| as disc area, and the
 * overlay rings. Colours come from the shaders' constants, so the key always matches the drawing.
 */
import { html, svg } from 'lit';
import { NEGATIVE_COLOR, POSITIVE_COLOR } from '../../shaders/particle-draw.wgsl';
import { POINT_MARK_BANDS } from '../../shaders/function-point-marks.wgsl';
import { linearTicks } from './view-axes';
import { formatTick } from './metric-chart-axes';
import type { PlotRect } from './view-layout';
import type { GpuColour, ViewTheme } from './view-theme';

/** A shader colour constant (0..1, written to the canvas as is) as CSS. */
export const cssColour = (c: readonly number[]) => `rgb(${c.map((v) => Math.round(v * 255)).join(', ')})`;
export const POSITIVE_CSS = cssColour(POSITIVE_COLOR);
export const NEGATIVE_CSS = cssColour(NEGATIVE_COLOR);
/** Room (CSS px) the colour bar takes right of the plot: gap, bar, ticks and labels. */
export const COLOUR_BAR_WIDTH_PX = 62;
const BAR_GAP_PX = 10;
const BAR_PX = 12;

/** The heat map's colour at f = 0, as the shader gets it and as CSS: white, or the background of a dark theme. */
export interface HeatmapZero {
  readonly gpu: GpuColour;
  readonly css: string;
}

const WHITE_ZERO: HeatmapZero = { gpu: { r: 1, g: 1, b: 1, a: 1 }, css: '#ffffff' };

/**
 * The zero of the diverging map for `theme`: white on a light page; on a dark one the plot's background, so a
 * near-zero f is as dark as the page around it and only |f| brings the colour out (a white zero would leave a
 * light square in a dark page).
 */
export function heatmapZero(theme: ViewTheme): HeatmapZero {
  return theme.dark ? { gpu: theme.backgroundGpu, css: theme.background } : WHITE_ZERO;
}

/** The colour bar of f beside `plot`: blue at -maxAbs, the zero colour (`zero`, CSS) at 0, red at +maxAbs, with ticks in f's units. */
export function functionColourBar(plot: PlotRect, maxAbs: number | undefined, foreground: string, grid: string, zero = WHITE_ZERO.css) {
  const x = plot.left + plot.width + BAR_GAP_PX;
  const known = maxAbs !== undefined && Number.isFinite(maxAbs) && maxAbs > 0;
  const ticks = known ? linearTicks(-maxAbs, maxAbs, plot.height, true) : [];
  return svg`
    <defs><linearGradient id="f-scale" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color=${POSITIVE_CSS} /><stop offset="0.5" stop-color=${zero} /><stop offset="1" stop-color=${NEGATIVE_CSS} />
    </linearGradient></defs>
    <g class="colour-bar" fill=${foreground} stroke=${foreground}>
      <rect x=${x} y=${plot.top} width=${BAR_PX} height=${plot.height} fill="url(#f-scale)" stroke=${grid} />
      ${ticks.map((t) => svg`<line x1=${x + BAR_PX} x2=${x + BAR_PX + 4} y1=${plot.top + t.at} y2=${plot.top + t.at} /><text class="tick" stroke="none" x=${x + BAR_PX + 6} y=${plot.top + t.at} dy="0.35em">${formatTick(t.value)}</text>`)}
      <text class="colour-bar-label axis-label" stroke="none" x=${x + BAR_PX / 2} y=${plot.top + plot.height + 32} text-anchor="middle">f(x)</text>
    </g>`;
}

/** An icon of a data point's mark (the same bands as shaders/function-point-marks.wgsl.ts). */
function markIcon(kind: 'disc' | 'ring' | 'grey', radius = 7, backing = WHITE_ZERO.css) {
  const b = POINT_MARK_BANDS;
  const size = 2 * radius + 2;
  const c = radius + 1;
  const body =
    kind === 'ring'
      ? svg`<circle cx=${c} cy=${c} r=${radius * 0.5 * (b.ringHole + 1)} fill="none" stroke="#000" stroke-width=${radius * (1 - b.ringHole)} />
          <circle cx=${c} cy=${c} r=${(radius * (b.ringInnerEdge + b.ringOuterEdge)) / 2} fill="none" stroke=${NEGATIVE_CSS} stroke-width=${radius * (b.ringOuterEdge - b.ringInnerEdge)} />`
      : svg`<circle cx=${c} cy=${c} r=${radius} fill="#000" /><circle cx=${c} cy=${c} r=${radius * b.discRim} fill=${kind === 'disc' ? POSITIVE_CSS : '#404040'} />`;
  // On the heat map's zero colour, as in the plot (a page background other than the plot's would change how the dark edges read).
  return html`<svg class="icon" width=${size} height=${size} viewBox=${`0 0 ${size} ${size}`} aria-hidden="true"><circle cx=${c} cy=${c} r=${radius + 1} fill=${backing} />${body}</svg>`;
}

/** The key to the function view's marks: the two labels (d = 2, on the heat map's zero colour `zero`, CSS), or the curve and the targets (d = 1). */
export function functionLegend(inputDim: number, zero = WHITE_ZERO.css) {
  if (inputDim === 2) {
    return html`<span class="key">${markIcon('disc', 7, zero)} y = +1</span><span class="key">${markIcon('ring', 7, zero)} y = −1</span><span class="key">colour: f(x), blue &lt; 0 &lt; red</span>`;
  }
  return html`<span class="key"><svg class="icon" width="18" height="10" aria-hidden="true"><line x1="1" y1="5" x2="17" y2="5" stroke="#1a1a1a" stroke-width="2" /></svg> f(x)</span><span class="key">${markIcon('grey', 5)} data (x_i, y_i)</span>`;
}

export interface ParticleLegendInput {
  /** Disc area grows with |a_j| (the d = 2 plane view). */
  readonly radiusByA: boolean;
  /** max_j |a_j| (GPU-reduced), when known. */
  readonly maxAbsA: number | undefined;
  readonly teacher: boolean;
  readonly target: boolean;
  /** The teacher rings' colour (the theme's foreground). */
  readonly foreground: string;
}

const disc = (colour: string, radius: number) =>
  html`<svg class="icon" width=${2 * radius + 2} height=${2 * radius + 2} aria-hidden="true"><circle cx=${radius + 1} cy=${radius + 1} r=${radius} fill=${colour} /></svg>`;
const ring = (colour: string, radius: number) =>
  html`<svg class="icon" width=${2 * radius + 4} height=${2 * radius + 4} aria-hidden="true"><circle cx=${radius + 2} cy=${radius + 2} r=${radius} fill="none" stroke=${colour} stroke-width="1.5" /></svg>`;

/** The key to the particle view: colour = sign of a_j, disc area = |a_j| (plane view), the rings. */
export function particleLegend(input: ParticleLegendInput) {
  const size = input.radiusByA
    ? html`<span class="key">${disc('#888', 2)}${disc('#888', 4)}${disc('#888', 6)} disc area ∝ |a_j|${input.maxAbsA !== undefined && Number.isFinite(input.maxAbsA) ? ` (max ${formatTick(Number(input.maxAbsA.toPrecision(3)))})` : ''}</span>`
    : '';
  return html`<span class="key">${disc(POSITIVE_CSS, 5)} a_j &gt; 0</span><span class="key">${disc(NEGATIVE_CSS, 5)} a_j &lt; 0</span>${size}${input.teacher ? html`<span class="key">${ring(input.foreground, 6)} teacher neuron</span>` : ''}${input.target ? html`<span class="key">${ring('rgb(51, 153, 51)', 5)} target</span>` : ''}`;
}
