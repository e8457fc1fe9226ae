/**
 * The tiny-net rows of bench/tiny-nets.ts: the contenders' names, and their reading (steps/s, speed-ups over
 * today's unfused step, one line per size). No GPU here: the report and its tests use it as it is.
 */
import type { StepKernelSetting } from '../src/core/step-kernels';
import type { InterleavedRow } from './interleave';
import type { StepSize } from './training-step';

/** Today's step first: the ratios are over it. */
export const TINY_KERNELS = ['unfused', 'multi-step', 'auto'] as const satisfies readonly StepKernelSetting[];

export const tinyBackend = (setting: StepKernelSetting) => `gradflow-${setting}`;

const stepsPerSecond = (row: InterleavedRow | undefined) => (row?.msPerStep ? 1000 / row.msPerStep : undefined);

/** Each tiny size's steps/s of a new kernel over today's (unfused), from the same interleaved rounds. */
export function tinySpeedUps(rows: readonly InterleavedRow[], setting: Exclude<StepKernelSetting, 'unfused'>): { size: StepSize; x: number; kernel?: string }[] {
  return rows
    .filter((r) => r.backend === tinyBackend(setting) && r.msPerStep)
    .flatMap((r) => {
      const today = rows.find((u) => u.backend === tinyBackend('unfused') && u.width === r.width && u.sampleCount === r.sampleCount && u.inputDim === r.inputDim && u.msPerStep);
      return today ? [{ size: r, x: today.msPerStep! / r.msPerStep!, ...(r.kernel ? { kernel: r.kernel } : {}) }] : [];
    });
}

/** One size: "(32, 64, 2)  unfused 2,431 steps/s | multi-step 7,702 steps/s (3.2x) | auto -> multi-step 7,650 steps/s (3.1x)". */
export function formatTinyLine(sizeRows: readonly InterleavedRow[]): string {
  const first = sizeRows[0]!;
  const today = stepsPerSecond(sizeRows.find((r) => r.backend === tinyBackend('unfused')));
  const cells = TINY_KERNELS.map((setting) => {
    const row = sizeRows.find((r) => r.backend === tinyBackend(setting));
    const rate = stepsPerSecond(row);
    const label = setting === 'auto' ? `auto -> ${row?.kernel ?? '?'}` : setting;
    if (rate === undefined) return `${label} ${row?.skipped ?? 'not run'}`;
    const ratio = setting !== 'unfused' && today ? ` (${(rate / today).toFixed(1)}x)` : '';
    return `${label} ${Math.round(rate).toLocaleString('en-US')} steps/s${ratio}`;
  });
  return `(${first.width}, ${first.sampleCount}, ${first.inputDim})`.padEnd(16) + cells.join(' | ');
}
