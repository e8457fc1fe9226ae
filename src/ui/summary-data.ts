/**
 * The summary charts of a run set, computed from its members' latest metric rows (so they follow the run
 * live): one panel per quantity the comparing presets are about (docs/science.md sections 2-4).
 *
 * - lazy vs rich (model.width swept, distance from init or kernel change logged): each against m on log-log
 *   axes, points per group of the other swept values (e.g. the scaling), the least-squares slope of each group
 *   (in its legend label), and the lazy theory's slope -1/2 as a reference line.
 * - sharpness vs lr (optimizer.learningRate swept, a sharpness logged): the final sharpness against lr, with
 *   the linear-stability curve 2/lr.
 * - width transition (model.width swept, test loss or path norm logged): each against m, with m = n marked.
 * - double descent (a heatmap preset): the final test loss over (m, n), m = n marked.
 * - any other sweep with a numeric path: the final loss against it.
 * Swept seeds are averaged over, not grouped. Pure functions: the element <gradflow-summary-chart> draws a panel.
 */
import type { ExperimentConfig } from '../config/schema';
import { logLogSlope } from '../metrics/log-log-slope';
import { describeMetric } from './metric-descriptions';

export interface SummaryMember {
  /** The member's swept values (path -> value). */
  readonly overrides: Record<string, unknown>;
  readonly config: ExperimentConfig;
  /** Its logged rows so far. */
  readonly rows: readonly Record<string, number>[];
}

export interface XYPoint {
  readonly x: number;
  readonly y: number;
}

export interface XYSeries {
  /** Legend text (a fit's carries its slope). */
  readonly label: string;
  /** The group (values of the swept paths other than x) it belongs to: colours and dashes follow it. */
  readonly group: number;
  /** Measured values as markers, or a fitted power law as a line. */
  readonly kind: 'points' | 'fit';
  readonly points: readonly XYPoint[];
  /** The fitted log-log slope (fits only). */
  readonly slope?: number;
}

/** A theory curve drawn dashed in the reference colour (slope -1/2, 2/lr). */
export interface ReferenceCurve {
  readonly label: string;
  readonly points: readonly XYPoint[];
}

export interface XYPanel {
  readonly kind: 'xy';
  readonly id: string;
  /** The swept path on the x axis (its colour scale can colour the markers), or '' when x is not a swept path. */
  readonly xPath: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logX: boolean;
  readonly logY: boolean;
  readonly series: readonly XYSeries[];
  readonly references: readonly ReferenceCurve[];
  /** Vertical lines at x (m = n). */
  readonly markers: readonly { readonly label: string; readonly x: number }[];
  /** Why points are missing, or ''. */
  readonly note: string;
}

export interface HeatmapPanel {
  readonly kind: 'heatmap';
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly valueLabel: string;
  /** Column values (widths m), ascending. */
  readonly xs: readonly number[];
  /** Row values (sample counts n), ascending. */
  readonly ys: readonly number[];
  /** cells[row][column]: the value at (xs[column], ys[row]), null where no member has it yet. */
  readonly cells: readonly (readonly (number | null)[])[];
  /** Mark where m = n in each row. */
  readonly markDiagonal: boolean;
  readonly note: string;
}

export type SummaryPanel = XYPanel | HeatmapPanel;

export type SweepBlock = Readonly<Record<string, readonly unknown[]>>;

/** The lazy (ntk) theory: distance from init and kernel change fall like m^(-1/2) (docs/science.md section 2). */
export const LAZY_SLOPE = -0.5;
/** Points of the 2/lr curve across the swept rates. */
const CURVE_POINTS = 24;

/** Axis labels short enough for a summary panel's y axis. */
const SHORT_LABELS: Record<string, string> = {
  distanceFromInitRms: 'rms distance from init',
  distanceFromInitMax: 'max distance from init',
  kernelChange: 'kernel change |K−K₀|/|K₀|',
  sharpnessParticleTime: 'sharpness (particle time)',
  sharpness: 'sharpness λ_max',
  testLoss: 'test loss',
  pathNorm: 'path norm',
  loss: 'train loss',
};

/** A metric's label and its short axis form. */
function labels(name: string): { label: string; axis: string } {
  const label = describeMetric(name).label;
  return { label, axis: SHORT_LABELS[name] ?? label };
}

const WIDTH = 'model.width';
const LEARNING_RATE = 'optimizer.learningRate';
const isSeedPath = (path: string) => path === 'seed' || path.endsWith('.seed');
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The latest finite value of `name` in the rows, or undefined. */
export function latestValue(rows: readonly Record<string, number>[], name: string): number | undefined {
  for (let i = rows.length - 1; i >= 0; i--) {
    const value = rows[i]![name];
    if (value !== undefined && Number.isFinite(value)) return value;
  }
  return undefined;
}

/** The training set's size of a member where its data section fixes one (the interpolation threshold m = n). */
export function sampleCountOf(config: ExperimentConfig): number | undefined {
  const data = config.data as { sampleCount?: unknown };
  return isNumber(data.sampleCount) ? data.sampleCount : undefined;
}

/** The points y ~ x^slope through the geometric mean of `points`, at xs (a straight line on log-log axes). */
export function powerLawThrough(points: readonly XYPoint[], slope: number, xs: readonly number[]): XYPoint[] {
  const usable = points.filter((p) => p.x > 0 && p.y > 0);
  if (usable.length === 0) return [];
  const mx = usable.reduce((sum, p) => sum + Math.log(p.x), 0) / usable.length;
  const my = usable.reduce((sum, p) => sum + Math.log(p.y), 0) / usable.length;
  return xs.map((x) => ({ x, y: Math.exp(my + slope * (Math.log(x) - mx)) }));
}

/** The 2/lr stability curve at `count` log-spaced rates spanning [lo, hi]. */
export function twoOverLrCurve(lo: number, hi: number, count = CURVE_POINTS): XYPoint[] {
  if (!(lo > 0) || !(hi >= lo)) return [];
  if (hi === lo) return [{ x: lo, y: 2 / lo }];
  return Array.from({ length: count }, (_, i) => {
    const x = Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (count - 1));
    return { x, y: 2 / x };
  });
}

interface Group {
  readonly label: string;
  readonly members: readonly SummaryMember[];
  /** The group's swept values (paths other than x and the seeds). */
  readonly values: Record<string, unknown>;
}

/** Members grouped by their swept values other than `xPath` and seeds, in sweep order. */
function groupsOf(sweep: SweepBlock, xPath: string, members: readonly SummaryMember[]): Group[] {
  const paths = Object.keys(sweep).filter((path) => path !== xPath && !isSeedPath(path));
  const groups = new Map<string, { label: string; members: SummaryMember[]; values: Record<string, unknown> }>();
  for (const member of members) {
    const values = Object.fromEntries(paths.map((path) => [path, member.overrides[path]]));
    const key = JSON.stringify(values);
    const label = paths.map((path) => `${path.split('.').at(-1)}=${typeof values[path] === 'string' ? values[path] : JSON.stringify(values[path])}`).join(', ');
    if (!groups.has(key)) groups.set(key, { label, members: [], values });
    groups.get(key)!.members.push(member);
  }
  return [...groups.values()];
}

/** The group's points of `name` against the x path: the mean over members (seeds) at each x, ascending in x. */
function groupPoints(group: Group, xPath: string, name: string, positive: boolean): XYPoint[] {
  const byX = new Map<number, number[]>();
  for (const member of group.members) {
    const x = member.overrides[xPath];
    const y = latestValue(member.rows, name);
    if (!isNumber(x) || y === undefined || (positive && (y <= 0 || x <= 0))) continue;
    byX.set(x, [...(byX.get(x) ?? []), y]);
  }
  return [...byX.entries()].sort(([a], [b]) => a - b).map(([x, ys]) => ({ x, y: ys.reduce((sum, y) => sum + y, 0) / ys.length }));
}

/** Points and, with two or more, the fitted power law of each group. */
function pointsAndFits(groups: readonly Group[], xPath: string, name: string, fallbackLabel: string, fit: boolean): XYSeries[] {
  return groups.flatMap((group, g): XYSeries[] => {
    const points = groupPoints(group, xPath, name, true);
    const label = group.label || fallbackLabel;
    const series: XYSeries[] = [{ label, group: g, kind: 'points', points }];
    if (!fit || points.length < 2) return series;
    const slope = logLogSlope(points.map((p) => p.x), points.map((p) => p.y));
    if (!Number.isFinite(slope)) return series;
    const line = powerLawFit(points, slope);
    return [...series, { label: `${label}: slope ${formatSlope(slope)}`, group: g, kind: 'fit', points: line, slope }];
  });
}

/** The least-squares line in log-log space at the points' xs. */
function powerLawFit(points: readonly XYPoint[], slope: number): XYPoint[] {
  return powerLawThrough(points, slope, points.map((p) => p.x));
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A slope with a true minus sign and two decimals. */
export function formatSlope(slope: number): string {
  return slope.toFixed(2).replace('-', '−');
}

const everyNote = (config: ExperimentConfig) => `points appear as the members log it (every ${config.metrics.every} steps)`;

function lazyPanels(sweep: SweepBlock, members: readonly SummaryMember[], names: readonly string[]): XYPanel[] {
  const groups = groupsOf(sweep, WIDTH, members);
  const config = members[0]!.config;
  const distance = names.includes('distanceFromInitRms') ? 'distanceFromInitRms' : names.includes('distanceFromInitMax') ? 'distanceFromInitMax' : undefined;
  const panels: XYPanel[] = [];
  for (const name of [distance, names.includes('kernelChange') ? 'kernelChange' : undefined]) {
    if (!name) continue;
    const { axis } = labels(name);
    const series = pointsAndFits(groups, WIDTH, name, axis, true);
    // The -1/2 line through the lazy (ntk) group's points, else the first group's.
    const lazyGroup = groups.findIndex((group) => Object.values(group.values).includes('ntk'));
    const anchor = series.find((s) => s.kind === 'points' && s.group === Math.max(0, lazyGroup) && s.points.length > 0) ?? series.find((s) => s.kind === 'points' && s.points.length > 0);
    const widths = (sweep[WIDTH] ?? []).filter(isNumber);
    const xs = [Math.min(...widths), Math.max(...widths)];
    const references = anchor ? [{ label: 'slope −1/2 (lazy theory)', points: powerLawThrough(anchor.points, LAZY_SLOPE, xs) }] : [];
    const empty = series.every((s) => s.points.length === 0);
    panels.push({
      kind: 'xy', id: name, xPath: WIDTH, title: `${capitalize(axis)} vs width m`, xLabel: 'width m', yLabel: axis,
      logX: true, logY: true, series, references, markers: [], note: empty ? `No values above 0 yet: ${everyNote(config)}.` : '',
    });
  }
  return panels;
}

function sharpnessPanels(sweep: SweepBlock, members: readonly SummaryMember[], names: readonly string[]): XYPanel[] {
  const name = names.includes('sharpnessParticleTime') ? 'sharpnessParticleTime' : 'sharpness';
  const groups = groupsOf(sweep, LEARNING_RATE, members);
  const { axis } = labels(name);
  const series = pointsAndFits(groups, LEARNING_RATE, name, `final ${axis}`, false);
  const rates = (sweep[LEARNING_RATE] ?? []).filter(isNumber).filter((lr) => lr > 0);
  const references = rates.length > 0 ? [{ label: '2/lr (GD stability limit)', points: twoOverLrCurve(Math.min(...rates) / 1.25, Math.max(...rates) * 1.25) }] : [];
  const empty = series.every((s) => s.points.length === 0);
  return [{
    kind: 'xy', id: name, xPath: LEARNING_RATE, title: `Final ${axis} vs learning rate`, xLabel: 'learning rate lr', yLabel: axis,
    logX: true, logY: true, series, references, markers: [], note: empty ? `No sharpness yet: ${everyNote(members[0]!.config)}.` : '',
  }];
}

function interpolationMarker(members: readonly SummaryMember[]): { label: string; x: number }[] {
  const counts = [...new Set(members.map((member) => sampleCountOf(member.config)).filter(isNumber))];
  return counts.length === 1 ? [{ label: `m = n = ${counts[0]}`, x: counts[0]! }] : [];
}

function widthPanels(sweep: SweepBlock, members: readonly SummaryMember[], names: readonly string[]): XYPanel[] {
  const groups = groupsOf(sweep, WIDTH, members);
  const markers = interpolationMarker(members);
  return ['testLoss', 'pathNorm'].filter((name) => names.includes(name)).map((name): XYPanel => {
    const { axis } = labels(name);
    const series = pointsAndFits(groups, WIDTH, name, `final ${axis}`, false);
    const empty = series.every((s) => s.points.length === 0);
    return {
      kind: 'xy', id: name, xPath: WIDTH, title: `Final ${axis} vs width m`, xLabel: 'width m', yLabel: axis,
      logX: true, logY: true, series, references: [], markers, note: empty ? `No values yet: ${everyNote(members[0]!.config)}.` : '',
    };
  });
}

function heatmapPanels(sweep: SweepBlock, members: readonly SummaryMember[], name: string): HeatmapPanel[] {
  const groups = groupsOf(sweep, WIDTH, members);
  const { axis } = labels(name);
  return groups.map((group, g): HeatmapPanel => {
    const xs = [...new Set(group.members.map((member) => member.overrides[WIDTH]).filter(isNumber))].sort((a, b) => a - b);
    const ys = [...new Set(group.members.map((member) => sampleCountOf(member.config)).filter(isNumber))].sort((a, b) => a - b);
    const sums = ys.map(() => xs.map(() => ({ sum: 0, count: 0 })));
    for (const member of group.members) {
      const column = xs.indexOf(member.overrides[WIDTH] as number);
      const row = ys.indexOf(sampleCountOf(member.config) ?? NaN);
      const value = latestValue(member.rows, name);
      if (column < 0 || row < 0 || value === undefined) continue;
      sums[row]![column]!.sum += value;
      sums[row]![column]!.count += 1;
    }
    const cells = sums.map((row) => row.map(({ sum, count }) => (count > 0 ? sum / count : null)));
    const empty = cells.every((row) => row.every((cell) => cell === null));
    return {
      kind: 'heatmap', id: `${name}-heatmap-${g}`, title: `Final ${axis} over (m, n)${group.label ? ` — ${group.label}` : ''}`,
      xLabel: 'width m', yLabel: 'samples n', valueLabel: axis, xs, ys, cells, markDiagonal: true,
      note: empty ? `No values yet: ${everyNote(members[0]!.config)}.` : ys.length === 1 ? `One n (${ys[0]}): the members of a run set share their data; m = n is outlined.` : '',
    };
  });
}

function fallbackPanels(sweep: SweepBlock, members: readonly SummaryMember[], names: readonly string[]): XYPanel[] {
  const xPath = Object.keys(sweep).find((path) => !isSeedPath(path) && sweep[path]!.every(isNumber));
  if (!xPath) return [];
  const name = names.includes('loss') ? 'loss' : names[0];
  if (!name) return [];
  const groups = groupsOf(sweep, xPath, members);
  const { axis } = labels(name);
  const values = sweep[xPath]!.filter(isNumber);
  const logX = values.every((v) => v > 0) && Math.max(...values) / Math.min(...values) >= 4;
  const logY = describeMetric(name).log ?? false;
  const series = groups.map((group, g): XYSeries => ({ label: group.label || `final ${axis}`, group: g, kind: 'points', points: groupPoints(group, xPath, name, logY || logX) }));
  const empty = series.every((s) => s.points.length === 0);
  return [{
    kind: 'xy', id: `${name}-vs-${xPath}`, xPath, title: `Final ${axis} vs ${xPath}`, xLabel: xPath, yLabel: axis,
    logX, logY, series, references: [], markers: [], note: empty ? `No values yet: ${everyNote(members[0]!.config)}.` : '',
  }];
}

/**
 * The summary panels of a run set: which ones follows from the preset, the swept paths and the logged metrics
 * (see the file comment); [] for a set with nothing numeric to put on an axis.
 */
export function summaryPanels(presetName: string | undefined, sweep: SweepBlock, members: readonly SummaryMember[]): SummaryPanel[] {
  if (members.length === 0 || Object.keys(sweep).length === 0) return [];
  const names: readonly string[] = members[0]!.config.metrics.names;
  const swept = (path: string) => path in sweep && sweep[path]!.every(isNumber);
  if (/heatmap|double-descent/.test(presetName ?? '') && swept(WIDTH) && names.includes('testLoss')) return heatmapPanels(sweep, members, 'testLoss');
  if (swept(WIDTH) && ['distanceFromInitRms', 'distanceFromInitMax', 'kernelChange'].some((name) => names.includes(name))) return lazyPanels(sweep, members, names);
  if (swept(LEARNING_RATE) && ['sharpnessParticleTime', 'sharpness'].some((name) => names.includes(name))) return sharpnessPanels(sweep, members, names);
  if (swept(WIDTH) && ['testLoss', 'pathNorm'].some((name) => names.includes(name))) return widthPanels(sweep, members, names);
  return fallbackPanels(sweep, members, names);
}
