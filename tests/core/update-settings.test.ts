import { describe, expect, it } from 'vitest';
import { particleLearningRate, SCALINGS, type TrainableParts } from '../../src/core/conventions';
import { parseSchedule, learningRateAt } from '../../src/core/schedule';
import {
  checkLearningRate,
  InvalidLearningRateError,
  jkoTau,
  learningRateProblem,
  rateAt,
  scheduleRateProblem,
  stepScales,
  stepSizes,
} from '../../src/core/update-settings';

const JKO = { tau: 0.2, innerSteps: 4, innerLearningRate: 0.02 };

describe('run rate settings', () => {
  it('accepts a finite rate >= 0 as lr0, and > 0 only under JKO', () => {
    for (const rate of [0, 1e-12, 0.1, 50]) expect(checkLearningRate({}, rate)).toBe(rate);
    for (const rate of [-1, NaN, Infinity, -Infinity]) {
      expect(() => checkLearningRate({}, rate)).toThrow(InvalidLearningRateError);
      expect(() => checkLearningRate({}, rate)).toThrow(RangeError);
    }
    expect(learningRateProblem({ jko: JKO }, 0)).toMatch(/> 0 with JKO/);
    expect(() => checkLearningRate({ jko: JKO }, 0)).toThrow(/tau moves with the rate/);
    expect(checkLearningRate({ jko: JKO }, 0.3)).toBe(0.3);
  });

  it('has one lr0: a schedule must start at the run rate', () => {
    const schedule = parseSchedule({ kind: 'cosine', learningRate: 0.1, decaySteps: 10 });
    expect(scheduleRateProblem({ learningRate: 0.1, schedule })).toBeUndefined();
    expect(scheduleRateProblem({ learningRate: 0.1 })).toBeUndefined();
    expect(scheduleRateProblem({ learningRate: 0.2, schedule })).toMatch(/starts at the run's rate/);
  });

  it('rates per step: lr0 itself, or the schedule moved to lr0 (the configured rates at the configured lr0)', () => {
    expect(rateAt({}, 7, 0.3)).toBe(0.3);
    const schedule = parseSchedule({ kind: 'linear', learningRate: 0.1, finalLearningRate: 0.01, decaySteps: 20, warmupSteps: 3 });
    for (const t of [0, 2, 3, 10, 30]) {
      expect(rateAt({ schedule }, t, 0.1)).toBe(learningRateAt(schedule, t));
      expect(rateAt({ schedule }, t, 0.2)).toBeCloseTo(2 * learningRateAt(schedule, t), 15);
    }
    // A schedule configured at 0 trains once a rate is given: the ratio semantics would keep it at 0.
    const frozen = parseSchedule({ kind: 'cosine', learningRate: 0, decaySteps: 10, warmupSteps: 2 });
    expect(rateAt({ schedule: frozen }, 0, 0)).toBe(0);
    expect(rateAt({ schedule: frozen }, 0, 0.4)).toBe(0.2);
    expect(rateAt({ schedule: frozen }, 1, 0.4)).toBe(0.4);
  });

  it("moves JKO's tau with the rate: tau at the configured rate, tau new / old after a change", () => {
    const settings = { learningRate: 0.05, jko: JKO };
    expect(jkoTau(settings, 0.05)).toBe(0.2);
    expect(jkoTau(settings, 0.1)).toBe(0.4);
    expect(jkoTau(settings, 0.025)).toBe(0.1);
  });

  it('applies particle time and the trainable masks in stepScales; plain GD steps lr c_s, bit for bit lr m', () => {
    const cases: [TrainableParts, boolean, boolean][] = [['both', true, true], ['first', false, true], ['second', true, false]];
    for (const scaling of SCALINGS) {
      for (const [trainable, movesA, movesW] of cases) {
        const settings = { scaling, trainable, width: 37 };
        const unit = scaling === 'mean-field' ? 37 : 1;
        expect(stepScales(settings)).toEqual({ a: movesA ? unit : 0, w: movesW ? unit : 0 });
        for (const rate of [0, 0.1, 0.3, 1 / 3]) {
          const step = particleLearningRate(scaling, rate, 37);
          expect(stepSizes(settings, rate)).toEqual({ a: movesA ? step : 0, w: movesW ? step : 0 });
        }
      }
    }
  });
});
