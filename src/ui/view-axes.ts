/**
 * The axes the GPU views draw over their canvas (an SVG overlay: text stays crisp, selectable and
 * testable, and the GPU frame stays the data alone): a frame around the plot, ticks at round values in
 * data units, tick labels and the axis titles.
 */
import { svg } from 'lit';
import { formatTick } from './metric-chart-axes';
import type { PlotRect } from './view-layout';

/** One tick: its value in data units and its position in CSS px from the plot's left (x) or top (y) edge. */
export interface Tick {
  readonly value: number;
  readonly at: number;
}

export interface AxisSpec {
  readonly label: string;
  readonly ticks: readonly Tick[];
}

/** Pixels per tick the axes aim for (labels must not touch). */
export const X_TICK_SPACING_PX = 70;
export const Y_TICK_SPACING_PX = 45;
const TICK_PX = 5;

/** Round values (1, 2 or 5 times a power of ten apart) in [lo, hi], about `target` of them. */
export function niceTicks(lo: number, hi: number, target: number): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || !(hi > lo) || !(target >= 1)) return [];
  const raw = (hi - lo) / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  // The round step nearest to the raw one (by ratio): a few more or fewer ticks than asked, never crowded or bare.
  const step = [1, 2, 5, 10].map((k) => k * power).reduce((best, s) => (Math.abs(Math.log(s / raw)) < Math.abs(Math.log(best / raw)) ? s : best));
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    // k * step with the float noise rounded off (0.30000000000000004 -> 0.3); -0 -> 0.
    ticks.push(Number((k * step).toPrecision(12)) + 0);
  }
  return ticks;
}

/** Extra ticks asked for, at most, when the round step leaves fewer than two on the axis. */
const MAX_EXTRA_TICKS = 2;

/**
 * Ticks of a linear axis showing [lo, hi] over `lengthPx`; `downwards`: the value grows towards the top (a y axis).
 * At least two where a step allows it: a short axis (a phone's plot) whose round step lands one tick in range, e.g.
 * 0 alone on [-3.5, 3.5], shows no scale, so it asks for a finer step (-2, 0, 2).
 */
export function linearTicks(lo: number, hi: number, lengthPx: number, downwards = false): Tick[] {
  const spacing = downwards ? Y_TICK_SPACING_PX : X_TICK_SPACING_PX;
  const target = Math.max(1, Math.floor(lengthPx / spacing));
  let values = niceTicks(lo, hi, target);
  for (let extra = 1; values.length < 2 && extra <= MAX_EXTRA_TICKS; extra++) values = niceTicks(lo, hi, target + extra);
  return values.map((value) => {
    const fraction = (value - lo) / (hi - lo);
    return { value, at: downwards ? (1 - fraction) * lengthPx : fraction * lengthPx };
  });
}

/** The overlay's SVG content: frame, ticks, tick labels and titles around `plot`, in the figure's CSS px. */
export function axesSvg(plot: PlotRect, x: AxisSpec, y: AxisSpec, colours: { readonly foreground: string; readonly grid: string }) {
  const { left, top, width, height } = plot;
  const bottom = top + height;
  return svg`
    <rect class="frame" x=${left - 0.5} y=${top - 0.5} width=${width + 1} height=${height + 1} fill="none" stroke=${colours.grid} />
    <g class="x-axis" fill=${colours.foreground} stroke=${colours.foreground}>
      ${x.ticks.map((t) => svg`<line x1=${left + t.at} x2=${left + t.at} y1=${bottom} y2=${bottom + TICK_PX} /><text class="tick" stroke="none" x=${left + t.at} y=${bottom + TICK_PX + 11} text-anchor="middle">${formatTick(t.value)}</text>`)}
      <text class="x-label axis-label" stroke="none" x=${left + width / 2} y=${bottom + TICK_PX + 27} text-anchor="middle">${x.label}</text>
    </g>
    <g class="y-axis" fill=${colours.foreground} stroke=${colours.foreground}>
      ${y.ticks.map((t) => svg`<line x1=${left - TICK_PX} x2=${left} y1=${top + t.at} y2=${top + t.at} /><text class="tick" stroke="none" x=${left - TICK_PX - 2} y=${top + t.at} dy="0.35em" text-anchor="end">${formatTick(t.value)}</text>`)}
      <text class="y-label axis-label" stroke="none" transform=${`translate(11 ${top + height / 2}) rotate(-90)`} text-anchor="middle">${y.label}</text>
    </g>`;
}
