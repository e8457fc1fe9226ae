import { describe, expect, it } from 'vitest';
import { learningRateAt, learningRates, learningRateScheduleSchema, parseSchedule, withBaseRate, type LearningRateScheduleInput } from '../../src/core/schedule';

/** The rates at the listed steps; the inputs are chosen so every value is exact in binary. */
function ratesAt(input: LearningRateScheduleInput, steps: readonly number[]): number[] {
  const schedule = parseSchedule(input);
  return steps.map((t) => learningRateAt(schedule, t));
}

describe('learning-rate schedules', () => {
  it('constant', () => {
    expect(ratesAt({ kind: 'constant', learningRate: 0.3 }, [0, 1, 1000])).toEqual([0.3, 0.3, 0.3]);
  });

  it('inverse-sqrt is lr0 / sqrt(t + 1)', () => {
    expect(ratesAt({ kind: 'inverse-sqrt', learningRate: 2 }, [0, 3, 15, 99])).toEqual([2, 1, 0.5, 0.2]);
  });

  it('linear decays from lr0 to the final rate over T steps, then stays', () => {
    const input = { kind: 'linear', learningRate: 1, finalLearningRate: 0.25, decaySteps: 4 } as const;
    expect(ratesAt(input, [0, 1, 2, 3, 4, 5, 100])).toEqual([1, 0.8125, 0.625, 0.4375, 0.25, 0.25, 0.25]);
  });

  it('cosine follows lrT + (lr0 - lrT)(1 + cos(pi t / T)) / 2, then stays', () => {
    const rates = ratesAt({ kind: 'cosine', learningRate: 1, finalLearningRate: 0.5, decaySteps: 4 }, [0, 1, 2, 3, 4, 9]);
    const expected = [1, 0.5 + 0.25 * (1 + Math.SQRT1_2), 0.75, 0.5 + 0.25 * (1 - Math.SQRT1_2), 0.5, 0.5];
    // cos(pi/2) is 6e-17, not 0, and pi/4 rounds: within 2 ulps of the closed form.
    rates.forEach((rate, k) => expect(rate).toBeCloseTo(expected[k]!, 15));
    expect(rates[0]).toBe(1);
    expect(rates[4]).toBe(0.5);
  });

  it('warm-up ramps base(0) (t + 1) / W, then the base schedule runs on its own clock', () => {
    expect(ratesAt({ kind: 'constant', learningRate: 1, warmupSteps: 4 }, [0, 1, 2, 3, 4, 50])).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
    const linear = { kind: 'linear', learningRate: 1, finalLearningRate: 0.25, decaySteps: 4, warmupSteps: 2 } as const;
    expect(ratesAt(linear, [0, 1, 2, 3, 4, 6, 7])).toEqual([0.5, 1, 1, 0.8125, 0.625, 0.25, 0.25]);
    expect(ratesAt({ kind: 'inverse-sqrt', learningRate: 1, warmupSteps: 2 }, [0, 1, 2, 5])).toEqual([0.5, 1, 1, 0.5]);
    const cosine = parseSchedule({ kind: 'cosine', learningRate: 1, decaySteps: 2, warmupSteps: 1 });
    expect([0, 1, 3].map((t) => learningRateAt(cosine, t))).toEqual([1, 1, 0]);
  });

  it('lists the rates of a run of steps', () => {
    const schedule = parseSchedule({ kind: 'inverse-sqrt', learningRate: 3 });
    expect(Array.from(learningRates(schedule, 2, 3))).toEqual([3 / Math.sqrt(3), 1.5, 3 / Math.sqrt(5)]);
  });

  it('moves a schedule to a new base rate: every rate times new / old, warm-up and decay included', () => {
    const inputs: LearningRateScheduleInput[] = [
      { kind: 'constant', learningRate: 0.1, warmupSteps: 3 },
      { kind: 'inverse-sqrt', learningRate: 0.05, warmupSteps: 2 },
      { kind: 'linear', learningRate: 0.01, finalLearningRate: 0.001, decaySteps: 20, warmupSteps: 4 },
      { kind: 'cosine', learningRate: 0.1, finalLearningRate: 0.01, decaySteps: 30, warmupSteps: 5 },
    ];
    for (const input of inputs) {
      const schedule = parseSchedule(input);
      // Unchanged rate: the very same object, so a run without a live change computes the configured rates.
      expect(withBaseRate(schedule, schedule.learningRate)).toBe(schedule);
      for (const rate of [0.03, 0.2, 0]) {
        const moved = withBaseRate(schedule, rate);
        expect(moved.learningRate).toBe(rate);
        for (const t of [0, 1, 2, 3, 4, 5, 7, 12, 24, 40, 100]) {
          // The ratio semantics lr(t) new / old, up to the roundings of the two orders of operations.
          const expected = learningRateAt(schedule, t) * (rate / schedule.learningRate);
          expect(Math.abs(learningRateAt(moved, t) - expected), `${input.kind} t=${t} rate=${rate}`).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(expected));
        }
      }
    }
  });

  it('starts a schedule that began at 0 at the new rate, keeping its final rate', () => {
    const ramp = parseSchedule({ kind: 'linear', learningRate: 0, finalLearningRate: 0.5, decaySteps: 4 });
    expect([0, 2, 4].map((t) => learningRateAt(withBaseRate(ramp, 0.25), t))).toEqual([0.25, 0.375, 0.5]);
    const frozen = parseSchedule({ kind: 'constant', learningRate: 0, warmupSteps: 4 });
    expect([0, 1, 3, 9].map((t) => learningRateAt(withBaseRate(frozen, 1), t))).toEqual([0.25, 0.5, 1, 1]);
  });

  it('fills defaults and rejects bad schedules and steps', () => {
    expect(parseSchedule({ kind: 'linear', learningRate: 1, decaySteps: 10 })).toEqual({ kind: 'linear', learningRate: 1, finalLearningRate: 0, decaySteps: 10, warmupSteps: 0 });
    const bad: unknown[] = [
      { kind: 'constant', learningRate: -1 },
      { kind: 'constant', learningRate: Infinity },
      { kind: 'linear', learningRate: 1 },
      { kind: 'cosine', learningRate: 1, decaySteps: 0 },
      { kind: 'constant', learningRate: 1, warmupSteps: 1.5 },
      { kind: 'constant', learningRate: 1, decaySteps: 3 },
      { kind: 'step', learningRate: 1 },
    ];
    for (const input of bad) expect(learningRateScheduleSchema.safeParse(input).success, JSON.stringify(input)).toBe(false);
    const schedule = parseSchedule({ kind: 'constant', learningRate: 1 });
    expect(() => learningRateAt(schedule, -1)).toThrow(RangeError);
    expect(() => learningRateAt(schedule, 0.5)).toThrow(/integer/);
  });
});
