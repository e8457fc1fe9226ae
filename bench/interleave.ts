/**
 * Interleaved timing: every contender's steps run in rounds, round-robin, in ONE process, so a
 * ratio between two of them never mixes runs made at different times (the machine's load drifts).
 * Each contender first takes a warm-up step (pipeline/shader compilation, reported apart), then a
 * probe step that sizes its rounds; a contender whose step exceeded the per-step budget at a smaller
 * size, or whose probe step exceeds it here, is skipped at this size, with the reason recorded.
 * (Extrapolating by FLOP from a small size would wrongly skip peers dominated by fixed overheads.)
 */
import { stepFlops, type StepSize } from './training-step';

export interface Trainable {
  train(steps: number): Promise<unknown>;
  dispose(): void;
  /** Which kernel the contender runs, when it chose one itself (GradFlow's stepKernel 'auto'): copied to its row. */
  readonly kernel?: string;
}

export interface Contender {
  readonly name: string;
  create(): Promise<Trainable>;
}

export interface InterleavedRow extends StepSize {
  readonly backend: string;
  /** Mean over the interleaved rounds, warm-up excluded; absent when skipped. */
  readonly msPerStep?: number;
  readonly gflops?: number;
  /** First step, compilation included. */
  readonly warmUpMs?: number;
  readonly stepsTimed?: number;
  readonly skipped?: string;
  /** The probe (per step) that decided a skip. */
  readonly probeMs?: number;
  /** Trainable.kernel of the contender that ran. */
  readonly kernel?: string;
}

export interface InterleaveOptions {
  /** A contender whose step is predicted or measured above this is skipped (default 10 s). */
  readonly budgetMs?: number;
  /** Contenders never skipped (GradFlow's own GPU path). */
  readonly alwaysRun?: readonly string[];
  readonly rounds?: number;
  /** Aim for rounds of about this long per contender (default 1000 ms). */
  readonly roundMs?: number;
  /** Most steps per round (default 16). */
  readonly maxStepsPerRound?: number;
  /**
   * Steps in the probe that sizes the rounds (default 1). A step of a few microseconds is hidden by its submit's
   * fixed cost: probing a whole submit's worth keeps such a contender's rounds near roundMs.
   */
  readonly probeSteps?: number;
  /** ms/step of each contender at the previous (smaller) size; a larger step is at least as slow. */
  readonly previousMs?: ReadonlyMap<string, number>;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export async function interleave(size: StepSize, contenders: readonly Contender[], options: InterleaveOptions = {}): Promise<InterleavedRow[]> {
  const budgetMs = options.budgetMs ?? 10_000;
  const rounds = options.rounds ?? 3;
  const flops = stepFlops(size);
  const rows = new Map<string, InterleavedRow>();
  const active: { name: string; model: Trainable; steps: number; warmUpMs: number; totalMs: number; kernel?: string }[] = [];
  try {
    for (const contender of contenders) {
      const always = options.alwaysRun?.includes(contender.name) ?? false;
      const previousMs = options.previousMs?.get(contender.name) ?? 0;
      if (!always && previousMs > budgetMs) {
        rows.set(contender.name, { ...size, backend: contender.name, skipped: `${(previousMs / 1000).toFixed(1)} s/step at a smaller size, over the ${budgetMs / 1000} s budget` });
        continue;
      }
      const model = await contender.create();
      const warmUpMs = await timed(() => model.train(1));
      const probeSteps = options.probeSteps ?? 1;
      const probeMs = (await timed(() => model.train(probeSteps))) / probeSteps;
      if (!always && probeMs > budgetMs) {
        model.dispose();
        rows.set(contender.name, { ...size, backend: contender.name, warmUpMs, probeMs, skipped: `measured ${(probeMs / 1000).toFixed(1)} s/step > ${budgetMs / 1000} s budget` });
        continue;
      }
      const steps = Math.max(1, Math.min(options.maxStepsPerRound ?? 16, Math.round((options.roundMs ?? 1000) / Math.max(probeMs, 1e-3))));
      active.push({ name: contender.name, model, steps, warmUpMs, totalMs: 0, ...(model.kernel ? { kernel: model.kernel } : {}) });
    }
    for (let r = 0; r < rounds; r++) {
      for (const entry of active) entry.totalMs += await timed(() => entry.model.train(entry.steps));
    }
    for (const entry of active) {
      const msPerStep = entry.totalMs / (rounds * entry.steps);
      rows.set(entry.name, { ...size, backend: entry.name, msPerStep, gflops: flops / (msPerStep * 1e6), warmUpMs: entry.warmUpMs, stepsTimed: rounds * entry.steps, ...(entry.kernel ? { kernel: entry.kernel } : {}) });
    }
  } finally {
    for (const entry of active) entry.model.dispose();
  }
  return contenders.map((c) => rows.get(c.name)!);
}
