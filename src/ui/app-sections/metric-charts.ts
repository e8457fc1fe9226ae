/**
 * The charts below the views: every metric the preset plots or the config logs, this run with the previous
 * runs overlaid; for a two-layer run the loss chart shows the train loss at every step instead of the rows.
 */
import { html, nothing } from 'lit';
import type { TrainingSession } from '../../app/training-session';
import type { ExperimentConfig } from '../../config/schema';
import type { PastRun } from '../controllers/run-history';
import type { MetricSeries } from '../metric-chart-series';
import { describeMetric } from '../metric-descriptions';
import { metricSeries } from '../sharpness-display';
import { saveSectionPng } from './save-png';

/** Loss points drawn per run (the per-step losses are thinned by stride beyond this). */
export const MAX_LOSS_POINTS = 4000;

export interface MetricCharts {
  readonly session: TrainingSession | undefined;
  readonly config: ExperimentConfig | undefined;
  /** The preset's own choice of charts, shown first. */
  readonly presetPlots: readonly string[];
  readonly pastRuns: readonly PastRun[];
}

export function metricCharts({ session, config, presetPlots, pastRuns }: MetricCharts) {
  if (!config) return nothing;
  const names = [...new Set([...presetPlots, ...config.metrics.names])].filter((name) => name !== 'testLoss');
  const lossChart = config.model.kind === 'two-layer' ? stepLossChart(session, pastRuns) : nothing;
  return html`${lossChart}${names.filter((name) => name !== 'loss' || config.model.kind !== 'two-layer').map((name) => {
    const description = describeMetric(name);
    const series: MetricSeries[] = [metricSeries('this run', session?.rows ?? [], name), ...pastRuns.map((run) => metricSeries(run.label, run.rows, name))];
    return html`<div class="chart"><gradflow-metric-chart metric=${name} label=${description.label} unit=${description.unit}
        .series=${series} .referenceLines=${description.reference?.(session?.config ?? config) ?? []}></gradflow-metric-chart>${pngButton(name)}</div>`;
  })}`;
}

/** Train loss at every step (thinned), test loss at logged steps, previous runs overlaid. */
function stepLossChart(session: TrainingSession | undefined, pastRuns: readonly PastRun[]) {
  const series: MetricSeries[] = [thinned('train loss', session?.stepLosses ?? [])];
  const rows = session?.rows ?? [];
  if (rows.some((row) => row.testLoss !== undefined)) series.push(metricSeries('test loss', rows, 'testLoss'));
  for (const run of pastRuns) series.push(thinned(`train loss (${run.label})`, run.stepLosses));
  return html`<div class="chart"><gradflow-metric-chart data-testid="loss-chart" metric="loss" label="Loss" unit="" log .series=${series}></gradflow-metric-chart>${pngButton('loss')}</div>`;
}

function pngButton(metric: string) {
  const save = (event: Event) => saveSectionPng(event, 'gradflow-metric-chart', `${metric}.png`);
  return html`<button class="png" @click=${save} aria-label=${`Save the ${metric} chart as PNG`}>PNG</button>`;
}

/** Every stride-th loss, the stride chosen so that at most MAX_LOSS_POINTS remain; steps are the losses' indices. */
export function thinned(label: string, losses: readonly number[]): MetricSeries {
  const stride = Math.max(1, Math.ceil(losses.length / MAX_LOSS_POINTS));
  const steps: number[] = [];
  const values: number[] = [];
  for (let t = 0; t < losses.length; t += stride) {
    steps.push(t);
    values.push(losses[t]!);
  }
  return { label, steps, values };
}
