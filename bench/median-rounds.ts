/**
 * Interleaved rounds with a median: every contender warms up, is probed, then runs a round of its own size in
 * turn (A, B, A, B, ...), in ONE process, so a drift in the machine's load hits every contender alike; each
 * contender's steps/s is the median over its rounds, which one round slowed by a burst of load does not move.
 * (bench/interleave.ts reports the mean over rounds and needs a StepSize for FLOP; a preset is many shapes.)
 */
import type { Contender } from './interleave';

export interface MedianRoundsOptions {
  /** Timed rounds per contender (default 7). */
  readonly rounds?: number;
  /** Aim for rounds of about this long per contender (default 250 ms). */
  readonly roundMs?: number;
  /** Most steps in one probe: a submit's worth, so a fast step is not sized by one submit's fixed cost (default 64). */
  readonly maxProbeSteps?: number;
  /** Most steps per round (default 100 000). */
  readonly maxStepsPerRound?: number;
}

export interface MedianRoundsRow {
  readonly name: string;
  /** Trainable.kernel of the contender (what its step kernel resolved to), when it says. */
  readonly kernel?: string;
  /** First step, pipeline compilation included; not in any round. */
  readonly warmUpMs: number;
  readonly stepsPerRound: number;
  /** Steps per second of each timed round, in order. */
  readonly roundStepsPerSecond: readonly number[];
  readonly stepsPerSecond: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median: needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * b's speed over a's: the median over rounds of b's steps/s over a's in the same round. Rounds run back to back,
 * so a load that drifts over the seconds of a bench divides out of each round's ratio, as it does not out of
 * the ratio of the two medians.
 */
export function pairedSpeedUp(a: MedianRoundsRow, b: MedianRoundsRow): number {
  if (a.roundStepsPerSecond.length !== b.roundStepsPerSecond.length) throw new RangeError(`pairedSpeedUp: ${a.name} ran ${a.roundStepsPerSecond.length} rounds, ${b.name} ${b.roundStepsPerSecond.length}`);
  return median(b.roundStepsPerSecond.map((rate, r) => rate / a.roundStepsPerSecond[r]!));
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/**
 * Warm-up step, then a one-step probe and a second probe of as many steps as a quarter round holds (at most
 * maxProbeSteps), which sizes the rounds; all untimed for the result. Every contender is created before any
 * round runs and disposed at the end, also on a failure.
 */
export async function medianRounds(contenders: readonly Contender[], options: MedianRoundsOptions = {}): Promise<MedianRoundsRow[]> {
  const rounds = options.rounds ?? 7;
  const roundMs = options.roundMs ?? 250;
  const maxProbeSteps = options.maxProbeSteps ?? 64;
  const maxStepsPerRound = options.maxStepsPerRound ?? 100_000;
  const active: { name: string; kernel?: string; model: Awaited<ReturnType<Contender['create']>>; warmUpMs: number; steps: number; perRound: number[] }[] = [];
  try {
    for (const contender of contenders) {
      const model = await contender.create();
      const entry = { name: contender.name, ...(model.kernel ? { kernel: model.kernel } : {}), model, warmUpMs: 0, steps: 1, perRound: [] as number[] };
      active.push(entry);
      entry.warmUpMs = await timed(() => model.train(1));
      const oneStepMs = await timed(() => model.train(1));
      const probeSteps = Math.max(1, Math.min(maxProbeSteps, Math.floor(roundMs / 4 / Math.max(oneStepMs, 1e-3))));
      const probeMs = (await timed(() => model.train(probeSteps))) / probeSteps;
      entry.steps = Math.max(1, Math.min(maxStepsPerRound, Math.round(roundMs / Math.max(probeMs, 1e-3))));
    }
    for (let r = 0; r < rounds; r++) {
      for (const entry of active) entry.perRound.push(entry.steps / ((await timed(() => entry.model.train(entry.steps))) / 1000));
    }
    return active.map((entry) => ({
      name: entry.name, ...(entry.kernel ? { kernel: entry.kernel } : {}), warmUpMs: entry.warmUpMs, stepsPerRound: entry.steps,
      roundStepsPerSecond: entry.perRound, stepsPerSecond: median(entry.perRound),
    }));
  } finally {
    for (const entry of active) entry.model.dispose();
  }
}
