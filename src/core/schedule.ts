/**
 * Learning-rate schedules lr(t), t = 0, 1, 2, ... the index of the step (steps taken before it),
 * docs/science.md sections 7 and 8. Pure functions of t, so the trainer can fill a params table for the
 * steps of one submit, and the twin gets the same values.
 *
 *   constant       lr(t) = lr0
 *   inverse-sqrt   lr(t) = lr0 / sqrt(t + 1)           (section 7's alpha_t = 1/sqrt(t), counted from t = 1)
 *   linear         lr(t) = lr0 + (lrT - lr0) min(t, T) / T
 *   cosine         lr(t) = lrT + (lr0 - lrT) (1 + cos(pi min(t, T) / T)) / 2
 *
 * Warm-up (warmupSteps = W > 0) runs first: lr(t) = base(0) (t + 1) / W for t < W, so the first step
 * already moves and step W - 1 reaches base(0); from t = W on the base schedule runs on its own clock,
 * lr(t) = base(t - W), so a decay over T steps ends at step W + T whatever W is.
 */
import { z } from 'zod';

const learningRate = () => z.number().min(0).finite();
const common = {
  /** lr0: the rate at the start of the base schedule (in the scaling's own units). */
  learningRate: learningRate(),
  /** W: steps of linear warm-up before the base schedule; 0 for none. */
  warmupSteps: z.int().min(0).default(0),
};
const decay = {
  /** lrT: the rate reached at the end of the decay, then kept. */
  finalLearningRate: learningRate().default(0),
  /** T: steps the decay takes. */
  decaySteps: z.int().min(1),
};

export const learningRateScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant'), ...common }).strict(),
  z.object({ kind: z.literal('inverse-sqrt'), ...common }).strict(),
  z.object({ kind: z.literal('linear'), ...common, ...decay }).strict(),
  z.object({ kind: z.literal('cosine'), ...common, ...decay }).strict(),
]);

export type LearningRateSchedule = z.output<typeof learningRateScheduleSchema>;
export type LearningRateScheduleInput = z.input<typeof learningRateScheduleSchema>;

/** Validates a schedule and fills in defaults (zod errors name the field). */
export function parseSchedule(input: LearningRateScheduleInput): LearningRateSchedule {
  return learningRateScheduleSchema.parse(input);
}

/** The base schedule, without warm-up, at step t >= 0 of its own clock. */
function baseRate(schedule: LearningRateSchedule, t: number): number {
  const lr0 = schedule.learningRate;
  switch (schedule.kind) {
    case 'constant':
      return lr0;
    case 'inverse-sqrt':
      return lr0 / Math.sqrt(t + 1);
    case 'linear': {
      const progress = Math.min(t, schedule.decaySteps) / schedule.decaySteps;
      return lr0 + (schedule.finalLearningRate - lr0) * progress;
    }
    case 'cosine': {
      const progress = Math.min(t, schedule.decaySteps) / schedule.decaySteps;
      return schedule.finalLearningRate + ((lr0 - schedule.finalLearningRate) * (1 + Math.cos(Math.PI * progress))) / 2;
    }
  }
}

/** lr(t) for step index t (an integer >= 0), warm-up included. */
export function learningRateAt(schedule: LearningRateSchedule, t: number): number {
  if (!Number.isInteger(t) || t < 0) throw new RangeError(`learningRateAt: step index must be an integer >= 0, got ${t}`);
  const warmup = schedule.warmupSteps;
  if (t < warmup) return (baseRate(schedule, 0) * (t + 1)) / warmup;
  return baseRate(schedule, t - warmup);
}

/**
 * The same schedule started at lr0 = `learningRate` (a live rate change): every rate is the old one times
 * learningRate / lr0, so a decay's final rate lrT moves with it. A schedule that starts at 0 has no ratio to
 * keep: it then starts at the new rate and still ends at its lrT. Returns `schedule` itself when the rate is
 * its lr0, so a run that never changes its rate computes exactly the configured rates.
 */
export function withBaseRate(schedule: LearningRateSchedule, learningRate: number): LearningRateSchedule {
  if (learningRate === schedule.learningRate) return schedule;
  if ((schedule.kind === 'linear' || schedule.kind === 'cosine') && schedule.learningRate > 0) {
    return { ...schedule, learningRate, finalLearningRate: schedule.finalLearningRate * (learningRate / schedule.learningRate) };
  }
  return { ...schedule, learningRate };
}

/** lr(first), ..., lr(first + count - 1): the rates of the steps of one submit. */
export function learningRates(schedule: LearningRateSchedule, first: number, count: number): Float64Array {
  const rates = new Float64Array(count);
  for (let k = 0; k < count; k++) rates[k] = learningRateAt(schedule, first + k);
  return rates;
}
