/**
 * The axes of <gradflow-metric-chart>: tick text, the decade-only grid of a log axis, and the labels
 * drawn beside the dashed reference lines.
 */
import type uPlot from 'uplot';
import type { ReferenceLine } from './metric-descriptions';

/** Tick text: plain for moderate magnitudes, 1e-4 style beyond, never a small value rounded to 0. */
export function formatTick(value: number | null): string {
  if (value === null) return '';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(0).replace('e+', 'e');
  return String(Number(value.toPrecision(4)));
}

const isDecade = (value: number) => value > 0 && Math.abs(Math.log10(value) - Math.round(Math.log10(value))) < 1e-9;

/** On a log axis spanning two decades or more, grid lines and ticks only at powers of ten (else 1..9 per decade clutter it). */
export function decadeGrid(stroke: string): Pick<uPlot.Axis, 'grid' | 'ticks'> {
  const filter: uPlot.Axis.Filter = (_plot, splits) => (splits.filter(isDecade).length >= 2 ? splits.map((v) => (isDecade(v) ? v : null)) : splits);
  return { grid: { stroke, width: 1, filter }, ticks: { stroke, width: 1, filter } };
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
