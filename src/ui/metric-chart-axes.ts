/**
 * The axes of <gradflow-metric-chart>: tick text, the decade-only grid of a log axis, and the labels
 * drawn beside the dashed reference lines.
 */
import type uPlot from 'uplot';
import type { ReferenceLine } from './metric-descriptions';

/**
 * Tick text: plain for moderate magnitudes, 1e-4 style beyond (up to 4 significant digits, as the plain style, so
 * neighbouring ticks 1.8e13 and 1.9e13 stay apart), never a small value rounded to 0.
 */
export function formatTick(value: number | null): string {
  if (value === null) return '';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return Number(value.toPrecision(4)).toExponential().replace('e+', 'e');
  return String(Number(value.toPrecision(4)));
}

const isDecade = (value: number) => value > 0 && Math.abs(Math.log10(value) - Math.round(Math.log10(value))) < 1e-9;

/** The widest a log scale reaches: 10^±300, inside float64's normal range so every decade bound is a finite number. */
const LOG_SCALE_DECADES = 300;

/**
 * A base-10 log scale spanning whole decades around the data. uPlot's own range (1.6) computes 10^floor(log10 min),
 * which is 0 for a float64 subnormal and Infinity near the float64 maximum, and then draws nothing; here the bounds
 * stay within 10^±300 (values beyond are drawn off the plot's edge).
 */
export function logScale(extra: Pick<uPlot.Scale, 'time'> = {}): uPlot.Scale {
  const range: uPlot.Scale.Range = (_plot, min, max) => {
    if (!(min > 0) || !(max > 0)) return [1, 10];
    const decade = (value: number, round: (x: number) => number) => Math.min(LOG_SCALE_DECADES, Math.max(-LOG_SCALE_DECADES, round(Math.log10(value))));
    let low = decade(min, Math.floor);
    let high = decade(max, Math.ceil);
    if (high <= low) [low, high] = [Math.max(-LOG_SCALE_DECADES, high - 1), Math.min(LOG_SCALE_DECADES, low + 1)];
    return [Number(`1e${low}`), Number(`1e${high}`)];
  };
  return { ...extra, distr: 3, log: 10, range };
}

/** Most ticks a log axis gets: beyond this many decades, every k-th decade only. */
const MAX_LOG_TICKS = 40;

/**
 * Where a log axis (base 10) puts its ticks in [scaleMin, scaleMax]: m * 10^k for m = 1..9, each written as the
 * literal `${m}e${k}` so it is exactly the number a reader expects; decades only past a few decades, every k-th
 * past MAX_LOG_TICKS. uPlot's own log splits (1.6) loop forever for ranges below about 1e-25 (a decade made by
 * sums that is not the literal, rounded to 0 and summed again): sgd-escape's mean squared norm of float32
 * particles reached 1e-45 and froze the page for a minute.
 */
export function logTicks(scaleMin: number, scaleMax: number): number[] {
  if (!(scaleMin > 0) || !(scaleMax >= scaleMin) || !Number.isFinite(scaleMax)) return [];
  const low = Math.floor(Math.log10(scaleMin));
  const high = Math.ceil(Math.log10(scaleMax));
  const decades = high - low;
  const every = Math.max(1, Math.ceil(decades / MAX_LOG_TICKS));
  const mantissas = decades > 4 ? [1] : [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const ticks: number[] = [];
  for (let k = low; k <= high; k++) {
    if (k % every !== 0) continue;
    for (const m of mantissas) {
      const tick = Number(`${m}e${k}`);
      if (tick >= scaleMin && tick <= scaleMax) ticks.push(tick);
    }
  }
  return ticks;
}

/**
 * A log axis: ticks from logTicks, and on one spanning two decades or more, grid lines and ticks only at powers of
 * ten (else 1..9 per decade clutter it).
 */
export function decadeGrid(stroke: string): Pick<uPlot.Axis, 'grid' | 'ticks' | 'splits'> {
  const filter: uPlot.Axis.Filter = (_plot, splits) => (splits.filter(isDecade).length >= 2 ? splits.map((v) => (isDecade(v) ? v : null)) : splits);
  return { grid: { stroke, width: 1, filter }, ticks: { stroke, width: 1, filter }, splits: (_plot, _axis, scaleMin, scaleMax) => logTicks(scaleMin, scaleMax) };
}

/** Writes each reference line's label at the right end of the plot, just above the line. */
export function drawReferenceLabels(plot: uPlot, references: readonly ReferenceLine[], color: string): void {
  if (plot.data[0].length === 0) return;
  const { ctx, bbox } = plot;
  const scale = devicePixelRatio || 1;
  ctx.save();
  ctx.fillStyle = color;
  ctx.font = `${11 * scale}px system-ui, sans-serif`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'bottom';
  for (const line of references) {
    const y = plot.valToPos(line.value, 'y', true);
    if (y < bbox.top || y > bbox.top + bbox.height) continue;
    ctx.fillText(`${line.label} = ${line.value.toPrecision(3)}`, bbox.left + bbox.width - 4 * scale, y - 2 * scale);
  }
  ctx.restore();
}
