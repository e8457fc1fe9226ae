/**
 * How the members of a run set are told apart in every chart and view: colour by a swept value, with a
 * scale the legend draws, and a dash pattern by a second swept path.
 *
 * The colour path is the first swept path with numeric values (else the first path): numeric values sit on a
 * sequential scale (plasma, clipped so both ends read on the theme's background), log-spaced when they are all
 * positive and either span a factor of 10 or more or name a width, rate or count (64, 256, 1024, 4096 come out
 * evenly spaced); string values get the categorical palette. When two or more paths are swept, the first other
 * path sets the dash pattern (solid, dashed, dotted, ...); members that differ only in further paths share a style.
 */
import { DARK_PALETTE, LIGHT_PALETTE } from './chart-theme';

/** Plasma (matplotlib), at t = 0, 0.1, ..., 1. */
const PLASMA = ['#0d0887', '#41049d', '#6a00a8', '#8f0da4', '#b12a90', '#cc4778', '#e16462', '#f2844b', '#fca636', '#fcce25', '#f0f921'];
/** The part of plasma used on each background: the yellow end vanishes on white, the indigo end on near-black. */
const SEQUENTIAL_RANGE = { light: [0, 0.8], dark: [0.3, 1] } as const;

/** Dash patterns (CSS px, canvas setLineDash form) for the values of the dash path, in order; [] is solid. */
export const DASHES: readonly (readonly number[])[] = [[], [7, 4], [2, 3], [10, 3, 2, 3], [4, 2, 1, 2]];

/** Paths whose values read naturally on a log scale (widths, rates, counts). */
const LOG_NAMED = /(width|learningRate|rate|lr|sampleCount|count|batchSize|alpha|scale|std|tau)$/i;

export type ScaleKind = 'linear' | 'log' | 'categorical';

/** The colour axis of a sweep: the swept path, its values in sweep order, and how they map to colours. */
export interface ColourScale {
  readonly path: string;
  readonly kind: ScaleKind;
  /** The path's distinct values in sweep order. */
  readonly values: readonly unknown[];
}

/** The dash axis: the second swept path and its values (each value one pattern of DASHES). */
export interface DashScale {
  readonly path: string;
  readonly values: readonly unknown[];
}

export interface SweepScales {
  readonly colour: ColourScale;
  readonly dash?: DashScale;
}

/** The colour and dash of one member. */
export interface MemberStyle {
  readonly color: string;
  /** [] for a solid line. */
  readonly dash: readonly number[];
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The scales of a sweep block (path -> values): colour by the first numeric path (else the first), dash by the first other. */
export function sweepScales(sweep: Readonly<Record<string, readonly unknown[]>>): SweepScales | undefined {
  const paths = Object.keys(sweep);
  if (paths.length === 0) return undefined;
  const numeric = (path: string) => sweep[path]!.every(isNumber);
  const colourPath = paths.find(numeric) ?? paths[0]!;
  const values = distinct(sweep[colourPath]!);
  const kind: ScaleKind = !values.every(isNumber) ? 'categorical' : logSpaced(colourPath, values) ? 'log' : 'linear';
  const dashPath = paths.find((path) => path !== colourPath);
  return { colour: { path: colourPath, kind, values }, ...(dashPath ? { dash: { path: dashPath, values: distinct(sweep[dashPath]!) } } : {}) };
}

function distinct(values: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = JSON.stringify(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function logSpaced(path: string, values: readonly number[]): boolean {
  if (!values.every((value) => value > 0)) return false;
  const ratio = Math.max(...values) / Math.min(...values);
  return ratio >= 10 || (ratio > 1 && LOG_NAMED.test(path));
}

/** Where `value` sits on a numeric scale, 0..1 (0.5 for a scale of one value). */
export function scalePosition(scale: ColourScale, value: number): number {
  const numbers = scale.values as number[];
  const map = scale.kind === 'log' ? Math.log : (v: number) => v;
  const lo = map(Math.min(...numbers));
  const hi = map(Math.max(...numbers));
  if (!(hi > lo)) return 0.5;
  return Math.min(1, Math.max(0, (map(value) - lo) / (hi - lo)));
}

/** The sequential colour at t in [0, 1] of the range that reads on the theme's background. */
export function sequentialColor(t: number, dark: boolean): string {
  const [from, to] = dark ? SEQUENTIAL_RANGE.dark : SEQUENTIAL_RANGE.light;
  const u = (from + Math.min(1, Math.max(0, t)) * (to - from)) * (PLASMA.length - 1);
  const i = Math.min(PLASMA.length - 2, Math.floor(u));
  const f = u - i;
  const [r0, g0, b0] = rgb(PLASMA[i]!);
  const [r1, g1, b1] = rgb(PLASMA[i + 1]!);
  const mix = (x: number, y: number) => Math.round(x + (y - x) * f).toString(16).padStart(2, '0');
  return `#${mix(r0, r1)}${mix(g0, g1)}${mix(b0, b1)}`;
}

function rgb(hex: string): [number, number, number] {
  return [0, 2, 4].map((offset) => parseInt(hex.slice(1 + offset, 3 + offset), 16)) as [number, number, number];
}

/** The colour of a value of the colour path. */
export function scaleColor(scale: ColourScale, value: unknown, dark: boolean): string {
  if (scale.kind === 'categorical' || !isNumber(value)) {
    const palette = dark ? DARK_PALETTE : LIGHT_PALETTE;
    const index = Math.max(0, scale.values.findIndex((v) => JSON.stringify(v) === JSON.stringify(value)));
    return palette[index % palette.length]!;
  }
  return sequentialColor(scalePosition(scale, value), dark);
}

/** The dash pattern of a value of the dash path. */
export function dashOf(scale: DashScale | undefined, value: unknown): readonly number[] {
  if (!scale) return [];
  const index = Math.max(0, scale.values.findIndex((v) => JSON.stringify(v) === JSON.stringify(value)));
  return DASHES[index % DASHES.length]!;
}

/** Each member's style, from its swept values (overrides: path -> value). */
export function memberStyles(scales: SweepScales | undefined, members: readonly { readonly overrides: Record<string, unknown> }[], dark: boolean): MemberStyle[] {
  if (!scales) return members.map((_, k) => ({ color: (dark ? DARK_PALETTE : LIGHT_PALETTE)[k % LIGHT_PALETTE.length]!, dash: [] }));
  return members.map(({ overrides }) => ({
    color: scaleColor(scales.colour, overrides[scales.colour.path], dark),
    dash: scales.dash ? dashOf(scales.dash, overrides[scales.dash.path]) : [],
  }));
}

/** Ticks of a numeric colour scale for the legend: every swept value at its position (t in 0..1). */
export function scaleTicks(scale: ColourScale): { value: unknown; t: number }[] {
  if (scale.kind === 'categorical') return scale.values.map((value, i) => ({ value, t: scale.values.length > 1 ? i / (scale.values.length - 1) : 0.5 }));
  return scale.values.map((value) => ({ value, t: scalePosition(scale, value as number) }));
}

/**
 * The ticks with a label each where it fits: walking along the bar, a label closer than `minGap` (in bar widths)
 * to the last one labelled is dropped, except the scale's end, which replaces the last one instead.
 */
export function labelledTicks(scale: ColourScale, minGap = 0.14): { value: unknown; t: number; labelled: boolean }[] {
  const ticks = scaleTicks(scale).sort((a, b) => a.t - b.t);
  const labelled = ticks.map(() => false);
  let last = -Infinity;
  let lastIndex = -1;
  ticks.forEach((tick, i) => {
    if (tick.t - last >= minGap) {
      labelled[i] = true;
      last = tick.t;
      lastIndex = i;
    } else if (i === ticks.length - 1 && lastIndex > 0) {
      labelled[lastIndex] = false;
      labelled[i] = true;
    }
  });
  return ticks.map((tick, i) => ({ ...tick, labelled: labelled[i]! }));
}

/** A CSS linear-gradient of the sequential scale (left to right), for the legend's colour bar. */
export function scaleGradient(dark: boolean, stops = 12): string {
  const colours = Array.from({ length: stops }, (_, i) => `${sequentialColor(i / (stops - 1), dark)} ${((100 * i) / (stops - 1)).toFixed(1)}%`);
  return `linear-gradient(to right, ${colours.join(', ')})`;
}

/** A swept value as the legend and labels write it. */
export function formatSweptValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) || Math.abs(value) >= 1e-3 ? String(Number(value.toPrecision(6))) : value.toExponential(2);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
