/**
 * The charts below the views: every metric the preset plots or the config logs, this run with the previous
 * runs overlaid; for a two-layer run the loss chart shows the train loss at every step instead of the rows.
 * A run set draws one series per member in the member's colour and dash (src/ui/sweep-style.ts) instead,
 * without the previous runs, the charts' own legends giving way to the set's colour-scale legend.
 */
import { html, nothing } from 'lit';
import type { TrainingSession } from '../../app/training-session';
import type { ExperimentConfig } from '../../config/schema';
import type { PastRun } from '../controllers/run-history';
import type { MetricSeries } from '../metric-chart-series';
import { describeMetric, type ReferenceLine } from '../metric-descriptions';
import type { MemberStyle } from '../sweep-style';
import { memoized } from '../memo';
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
  /** A run set's member styles (present: one series per member). */
  readonly memberStyles?: readonly MemberStyle[];
}

export function metricCharts({ session, config, presetPlots, pastRuns, memberStyles }: MetricCharts) {
  if (!config) return nothing;
  if (session?.isSet && memberStyles) return setCharts(session, config, presetPlots, memberStyles);
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

/**
 * Every metric with one series per member; the loss chart has each member's train loss at every step (two-layer).
 * A chart's series and reference lines stay the same arrays until a member logs more (the chart redraws only then).
 */
function setCharts(session: TrainingSession, config: ExperimentConfig, presetPlots: readonly string[], styles: readonly MemberStyle[]) {
  const members = session.members;
  const styled = (series: MetricSeries, k: number): MetricSeries => ({ ...series, color: styles[k]?.color, dash: styles[k]?.dash });
  const styleKey = JSON.stringify(styles);
  const stepLoss = config.model.kind === 'two-layer';
  const names = [...new Set([...presetPlots, ...config.metrics.names])].filter((name) => !(stepLoss && name === 'loss'));
  const lossKey = `${styleKey}|${members.map((member) => member.stepLosses.length).join(',')}`;
  const lossSeries = memoized(members, 'loss', lossKey, () => members.map((member) => styled(thinned(member.label, member.stepLosses), member.index)));
  const lossChart = stepLoss
    ? html`<div class="chart"><gradflow-metric-chart data-testid="loss-chart" metric="loss" label="Train loss" unit="" log hide-legend
        .series=${lossSeries}></gradflow-metric-chart>${pngButton('loss')}</div>`
    : nothing;
  const rowsKey = `${styleKey}|${members.map((member) => member.rows.length).join(',')}`;
  return html`${lossChart}${names.map((name) => {
    const description = describeMetric(name);
    const { series, references } = memoized(members, `metric:${name}`, rowsKey, () => ({
      series: members.map((member) => styled(metricSeries(member.label, member.rows, name), member.index)),
      references: sharedReferences(members.map((member) => description.reference?.(member.config) ?? [])),
    }));
    return html`<div class="chart"><gradflow-metric-chart metric=${name} label=${description.label} unit=${description.unit} hide-legend
        .series=${series} .referenceLines=${references}></gradflow-metric-chart>${pngButton(name)}</div>`;
  })}`;
}

/** The reference lines every member has (same label and value); members with their own (2/lr at their own lr) leave them to the summary chart. */
export function sharedReferences(perMember: readonly (readonly ReferenceLine[])[]): ReferenceLine[] {
  const [first = [], ...rest] = perMember;
  return first.filter((line) => rest.every((lines) => lines.some((other) => other.label === line.label && other.value === line.value)));
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
