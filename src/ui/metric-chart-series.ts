/**
 * The data of <gradflow-metric-chart>: the runs' values joined on their steps into uPlot's columns
 * (gaps where a value cannot be drawn), and the notes that list the values a run marks unconverged.
 */
import uPlot from 'uplot';
import type { ReferenceLine } from './metric-descriptions';

/** One run's values of the metric: values[i] was logged at steps[i]. */
export interface MetricSeries {
  label: string;
  steps: number[];
  values: number[];
  /** Per value: undefined when it can be trusted, else why not (e.g. 'not converged: residual 1.2e-03 after 100 Lanczos iterations'). */
  unconverged?: (string | undefined)[];
  /** The line's colour (a run set's member: by its swept value); default: the theme's palette by index. */
  color?: string;
  /** The line's dash pattern (CSS px); default solid. */
  dash?: readonly number[];
}

/** Unconverged values listed by step in the note (the rest are counted). */
const LISTED_UNCONVERGED = 3;
/**
 * A run logged at least this many times more sparsely than the chart's densest run is drawn as markers
 * alone: a line between its far-apart values (test loss every 25 steps beside the train loss at every
 * step) would draw a straight segment where nothing was measured, far from the dense curve.
 */
export const SPARSE_FACTOR = 4;

/** The run's usual gap between logged steps (the median gap), undefined with fewer than two values. */
export function loggingInterval(run: MetricSeries): number | undefined {
  const steps = run.steps.filter(Number.isFinite);
  const gaps = steps.slice(1).map((step, i) => step - steps[i]!).filter((gap) => gap > 0).sort((x, y) => x - y);
  return gaps.length === 0 ? undefined : gaps[Math.floor((gaps.length - 1) / 2)];
}

/** Per run: drawn as markers without a line (logged much more sparsely than the chart's densest run, or a single value beside a line). */
export function sparseRuns(series: readonly MetricSeries[]): boolean[] {
  const intervals = series.map(loggingInterval);
  const densest = Math.min(...intervals.filter((k): k is number => k !== undefined));
  if (!Number.isFinite(densest)) return series.map(() => false);
  return series.map((run, i) => {
    const interval = intervals[i];
    if (interval === undefined) return run.steps.length === 1;
    return interval > 1 && interval >= SPARSE_FACTOR * densest;
  });
}

/** The legend's name of a run: a sparse one says how often it was logged ("test loss (every 25 steps)"). */
export function displayLabel(run: MetricSeries, sparse: boolean): string {
  const interval = loggingInterval(run);
  return sparse && interval !== undefined && !/\bevery\b/.test(run.label) ? `${run.label} (every ${interval} steps)` : run.label;
}

/** Whether any of the run's values is marked unconverged (then it gets its column of hollow markers). */
export const hasUnconverged = (run: MetricSeries) => (run.unconverged ?? []).some((note) => note !== undefined);

/** "step 40: not converged: residual ...", one per unconverged value of every run (runs named when several). */
export function unconvergedNotes(series: readonly MetricSeries[]): string[] {
  return series.flatMap((run) =>
    (run.unconverged ?? []).flatMap((note, i) => (note === undefined ? [] : [`${series.length > 1 ? `${run.label}, ` : ''}step ${run.steps[i]}: ${note}`])),
  );
}

/** The note's sentence: how many values are unconverged, the first few of `notes`, and a count of the rest. */
export function unconvergedSummary(notes: readonly string[]): string {
  const more = notes.length > LISTED_UNCONVERGED ? `; and ${notes.length - LISTED_UNCONVERGED} more` : '';
  return `${notes.length} value${notes.length === 1 ? '' : 's'} not converged (hollow grey markers): ${notes.slice(0, LISTED_UNCONVERGED).join('; ')}${more}`;
}

/**
 * Joins the runs on the union of their steps. Missing steps are undefined (uPlot spans them); non-finite
 * values, and values <= 0 on a log axis, are null (uPlot breaks the line there). A run with unconverged
 * values gets a second column right after its own: those values, null elsewhere.
 */
export function alignedData(series: readonly MetricSeries[], references: readonly ReferenceLine[], log: boolean, logSteps: boolean): { data: uPlot.AlignedData; ignored: number } {
  let ignored = 0;
  const tables = series.map((run): uPlot.AlignedData => {
    const count = Math.min(run.steps.length, run.values.length);
    // A log step axis has no place for step 0 (nor any non-positive or non-finite step).
    const kept = range(count).filter((i) => Number.isFinite(run.steps[i]) && (!logSteps || run.steps[i]! > 0));
    const steps = kept.map((i) => run.steps[i]!);
    const values = kept.map((i) => run.values[i]!).map((v) => {
      if (!Number.isFinite(v)) return null;
      if (log && v <= 0) {
        ignored += 1;
        return null;
      }
      return v;
    });
    if (!hasUnconverged(run)) return [steps, values];
    return [steps, values, kept.map((i, k) => (run.unconverged![i] === undefined ? null : values[k]!))];
  });
  const joined: uPlot.AlignedData = tables.length === 0 ? [[]] : tables.length === 1 ? tables[0]! : uPlot.join(tables);
  const steps = joined[0] as number[];
  const data: uPlot.AlignedData = [...joined, ...references.map((line) => steps.map(() => line.value))] as uPlot.AlignedData;
  return { data, ignored };
}

const range = (count: number) => Array.from({ length: count }, (_, i) => i);
