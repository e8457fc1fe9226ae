/** Tables, slopes and target verdicts of `npm run bench`. */
import type { InterleavedRow } from './interleave';
import type { StepSize } from './training-step';
import { MATMUL_SHORTLIST_SIZE, MATMUL_TUNE_SIZE } from '../src/kernels/matmul-autotune';

const sizeText = (s: StepSize) => `(${s.width}, ${s.sampleCount}, ${s.inputDim})`;

/**
 * One line per backend at one size: ms/step, GFLOP/s, warm-up, and GradFlow's speed-up over it
 * (its ms/step over GradFlow's, both from the same interleaved rounds).
 */
export function formatStepTable(rows: readonly InterleavedRow[], base: string): string {
  const baseRow = rows.find((r) => r.backend === base);
  return rows
    .map((r) => {
      const head = `${sizeText(r).padEnd(20)} ${r.backend.padEnd(14)}`;
      if (r.skipped) return `${head} skipped: ${r.skipped}${r.warmUpMs ? ` (warm-up ${r.warmUpMs.toFixed(0)} ms)` : ''}`;
      const ratio = r.backend !== base && baseRow?.msPerStep ? `  GradFlow ${(r.msPerStep! / baseRow.msPerStep).toFixed(1)}x faster` : '';
      return `${head} ${r.msPerStep!.toFixed(1).padStart(10)} ms/step ${r.gflops!.toFixed(3).padStart(8)} GFLOP/s  warm-up ${r.warmUpMs!.toFixed(0).padStart(6)} ms  (${r.stepsTimed} steps)${ratio}`;
    })
    .join('\n');
}

export interface Target {
  readonly name: string;
  /** undefined: could not be judged in this run. */
  readonly holds: boolean | undefined;
  readonly detail: string;
}

export interface TargetInputs {
  readonly browserRows: readonly InterleavedRow[];
  readonly nodeRows: readonly InterleavedRow[];
  readonly productRows: readonly { size: StepSize; gflops: number }[];
  readonly bestMatmulGflops: number;
  readonly readbacks: readonly string[];
  /** Per UI bench row: the buffers the views mapped during its window. */
  readonly viewReadbacks?: readonly (readonly string[])[];
}

const same = (a: StepSize, b: StepSize) => a.width === b.width && a.sampleCount === b.sampleCount && a.inputDim === b.inputDim;

export function judgeTargets(input: TargetInputs): Target[] {
  const targets: Target[] = [];
  const pairs = input.browserRows
    .filter((r) => r.backend === 'tfjs-webgpu' && r.msPerStep)
    .map((tf) => ({ tf, gf: input.browserRows.find((r) => r.backend === 'gradflow-gpu' && same(r, tf) && r.msPerStep)! }))
    .filter((p) => p.gf);
  const speedups = pairs.map((p) => ({ size: sizeText(p.tf), x: p.tf.msPerStep! / p.gf.msPerStep! }));
  targets.push({
    name: 'GradFlow step >= 10x faster than TF.js WebGPU (same page, interleaved)',
    holds: speedups.length ? speedups.every((s) => s.x >= 10) : undefined,
    detail: speedups.length ? speedups.map((s) => `${s.size}: ${s.x.toFixed(1)}x`).join(', ') : 'no size where both ran (browser part skipped?)',
  });
  const gpuRows = input.nodeRows.filter((r) => r.backend === 'gradflow-gpu' && r.gflops);
  const fractions = gpuRows.map((r) => ({ size: sizeText(r), f: r.gflops! / input.bestMatmulGflops, products: input.productRows.find((p) => same(p.size, r)) }));
  targets.push({
    name: 'GradFlow step >= 70% of the best plain matmul variant GFLOP/s (Node/Dawn)',
    holds: fractions.length ? fractions.every((f) => f.f >= 0.7) : undefined,
    detail: `best square matmul ${input.bestMatmulGflops.toFixed(3)} GFLOP/s; step: ${fractions
      .map((f) => `${f.size} ${(100 * f.f).toFixed(0)}%${f.products ? ` (of its own two products run alone: ${((100 * gpuRows.find((r) => sizeText(r) === f.size)!.gflops!) / f.products.gflops).toFixed(0)}%)` : ''}`)
      .join(', ')}`,
  });
  const foreign = input.readbacks.filter((label) => !label.includes('losses-staging'));
  targets.push({
    name: 'no read-back in the training loop except the asynchronous loss staging',
    // The loss staging is always mapped: no map at all means the Node part did not run.
    holds: input.readbacks.length ? foreign.length === 0 : undefined,
    detail: `${input.readbacks.length} mapAsync during 3 x train(16), all on ${[...new Set(input.readbacks)].join(', ') || '(none)'}${foreign.length ? `; foreign: ${foreign.join(', ')}` : ''}`,
  });
  const views = input.viewReadbacks;
  const viewMaps = views?.flat() ?? [];
  targets.push({
    name: 'particle rendering reads nothing back',
    // Counted in the page: every mapAsync while the app trains and draws, less the trainer's own (loss staging, checkpoints).
    holds: views?.length ? viewMaps.length === 0 : undefined,
    detail: views?.length ? `${viewMaps.length} view read-backs over ${views.length} UI windows${viewMaps.length ? `: ${[...new Set(viewMaps)].join(', ')}` : ''}` : 'UI bench not run',
  });
  return targets;
}

/** The autotune line: the winner, each contender's time at the representative size, and the shortlist round. */
export function formatTune(t: { readonly winner: string; readonly source: string; readonly timesMs: Readonly<Record<string, number>>; readonly shortlistMs?: Readonly<Record<string, number>> }): string {
  const times = (record: Readonly<Record<string, number>>) => Object.entries(record).map(([k, ms]) => `${k} ${ms.toFixed(1)} ms`).join(', ');
  const { sampleCount: n, width: m, inputDim: d } = MATMUL_TUNE_SIZE;
  const small = MATMUL_SHORTLIST_SIZE;
  const shortlist = t.shortlistMs ? `; shortlist at (${small.width}, ${small.sampleCount}, ${small.inputDim}): ${times(t.shortlistMs)}` : '';
  return `autotune (${t.source}): winner ${t.winner}; at (m, n, d) = (${m}, ${n}, ${d}): ${times(t.timesMs)}${shortlist}`;
}
