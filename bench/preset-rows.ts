/** The preset bench's rows and their markdown: one line per preset, shapes and kernels summarised over a run set's members. */
import type { StepKernel } from '../src/core/step-kernels';
import type { MedianRoundsRow } from './median-rounds';

/** (m, n, d, B) of one member: B is the batch a step trains on (n for full-batch GD). */
export interface StepShape {
  readonly width: number;
  readonly sampleCount: number;
  readonly inputDim: number;
  readonly batchSize: number;
}

export type Groups = readonly (readonly number[])[];

export interface PresetBenchRow {
  readonly preset: string;
  readonly notes: readonly string[];
  readonly members: number;
  /** One per member, in member order. */
  readonly shapes: readonly StepShape[];
  /** What kernels.step 'auto' resolved to, one per member. */
  readonly autoKernels: readonly StepKernel[];
  /** Where autoKernels came from: the trainer's own accessor, or computed as the trainers compute it. */
  readonly autoKernelSource: string;
  /** autoKernels (and a run set's lanes) in a few words. */
  readonly autoPick: string;
  /** A run set's lanes and lone members under each setting (the step kernel is part of the lane key). */
  readonly groups?: { readonly unfused: Groups; readonly auto: Groups };
  readonly unfused: MedianRoundsRow;
  readonly auto: MedianRoundsRow;
  /** auto over unfused: the median over rounds of their steps/s in the same round (pairedSpeedUp). */
  readonly speedUp: number;
}

/** Distinct values in order of first appearance: one as is, up to four joined by '/', more as min..max. */
function summarise(values: readonly number[]): string {
  const distinct = [...new Set(values)];
  if (distinct.length <= 4) return distinct.join('/');
  return `${Math.min(...distinct)}..${Math.max(...distinct)}`;
}

export function formatShape(shapes: readonly StepShape[]): string {
  const keys = ['width', 'sampleCount', 'inputDim', 'batchSize'] as const;
  return `(${keys.map((key) => summarise(shapes.map((shape) => shape[key]))).join(', ')})`;
}

/** How a run set steps: 'lanes 4+4, 2 alone', or 'all alone'. */
export function formatGroups(groups: Groups): string {
  const lanes = groups.filter((group) => group.length > 1).map((group) => group.length);
  const alone = groups.filter((group) => group.length === 1).length;
  if (lanes.length === 0) return 'all alone';
  return `lanes ${lanes.join('+')}${alone > 0 ? `, ${alone} alone` : ''}`;
}

/** 'multi-step', or 'multi-step x1, unfused x1' when members differ; a run set's lanes after it. */
export function describeKernels(kernels: readonly StepKernel[], groups?: Groups): string {
  const counts = new Map<StepKernel, number>();
  for (const kernel of kernels) counts.set(kernel, (counts.get(kernel) ?? 0) + 1);
  const picks = counts.size === 1 ? kernels[0]! : [...counts].map(([kernel, count]) => `${kernel} x${count}`).join(', ');
  return groups ? `${picks} (${formatGroups(groups)})` : picks;
}

export function formatRate(stepsPerSecond: number): string {
  if (stepsPerSecond >= 100) return stepsPerSecond.toFixed(0);
  if (stepsPerSecond >= 10) return stepsPerSecond.toFixed(1);
  return stepsPerSecond.toFixed(2);
}

export function formatPresetTable(rows: readonly PresetBenchRow[]): string[] {
  const lines = [
    "| preset | (m, n, d, B) | step kernel 'auto' picks | unfused steps/s | auto steps/s | speed-up |",
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const name = `\`${row.preset}\`${row.notes.length > 0 ? ` (${row.notes.join('; ')})` : ''}`;
    // Both contenders then run the same step: their ratio is the machine's noise, and the reader should know.
    const same = row.autoKernels.every((kernel) => kernel === 'unfused') ? ' (same step)' : '';
    lines.push(`| ${name} | ${formatShape(row.shapes)} | ${row.autoPick} | ${formatRate(row.unfused.stepsPerSecond)} | ${formatRate(row.auto.stepsPerSecond)} | ${row.speedUp.toFixed(2)}x${same} |`);
  }
  return lines;
}

/** Lines under the table: how each run set steps under 'unfused' where that differs from 'auto'. */
export function formatPresetFootnotes(rows: readonly PresetBenchRow[]): string[] {
  return rows
    .filter((row) => row.groups && formatGroups(row.groups.unfused) !== formatGroups(row.groups.auto))
    .map((row) => `\`${row.preset}\` with kernels.step 'unfused': ${formatGroups(row.groups!.unfused)}; with 'auto': ${formatGroups(row.groups!.auto)}.`);
}
