/**
 * The key to <gradflow-landscape-view>: what a disc is (one independent optimizer run), what is drawn under the
 * discs (the curve f(x), the heat map of f, or nothing where the landscape has no f to show in the plane), and the
 * target's ring. Colours come from the shaders' constants, so the key always matches the drawing.
 */
import { html } from 'lit';
import { LANDSCAPE_PARTICLE_COLOR } from '../../shaders/landscape-marks.wgsl';
import type { LandscapeFieldMode, LandscapeViewVariant } from '../../shaders/landscape-view-common.wgsl';
import { cssColour } from './colour-scale';

export interface LandscapeLegendInput {
  readonly variant: LandscapeViewVariant;
  readonly fieldMode: LandscapeFieldMode;
  readonly particleCount: number;
  /** quadratic-sum cells: one curve each. */
  readonly cellCount: number;
  readonly target: boolean;
  /** The theme's text colour: the curve and the discs' rims. */
  readonly foreground: string;
}

const PARTICLE_CSS = cssColour(LANDSCAPE_PARTICLE_COLOR);

/** What is (not) drawn under the particles, in words. */
function fieldKey({ variant, fieldMode, cellCount, foreground }: LandscapeLegendInput) {
  if (fieldMode === 'curve') {
    return html`<span class="key"><svg class="icon" width="18" height="10" aria-hidden="true"><line x1="1" y1="5" x2="17" y2="5" stroke=${foreground} stroke-width="2" /></svg> f(x)${cellCount > 1 ? ` of each of the ${cellCount} cells` : ''}</span>`;
  }
  if (fieldMode === 'heatmap') return html`<span class="key">colour: f(x), blue &lt; 0 &lt; red; level lines every max|f| / 5</span>`;
  if (variant.kind === 'perko') return html`<span class="key">a vector field, not a gradient: no f to draw</span>`;
  return html`<span class="key">f of ${variant.dim} coordinates: not drawn</span>`;
}

export function landscapeLegend(input: LandscapeLegendInput) {
  const disc = html`<svg class="icon" width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="5" fill=${PARTICLE_CSS} stroke=${input.foreground} stroke-width="1" /></svg>`;
  const ring = html`<svg class="icon" width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="6" fill="none" stroke="rgb(51, 153, 51)" stroke-width="1.5" /></svg>`;
  return html`<span class="key">${disc} one run each (${input.particleCount.toLocaleString('en-US')})</span>${fieldKey(input)}${input.target ? html`<span class="key">${ring} target</span>` : ''}`;
}
