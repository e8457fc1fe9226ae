/**
 * The update rule of a run, shared by the GPU trainer and its float64 twin: which optimizer, which
 * learning rate at which step, and how far each parameter tensor moves per unit rate.
 *
 * Two facts have one home here. The run's rate: a trainer holds one absolute base rate lr0 (the config's
 * until a live change replaces it, checked by checkLearningRate) and derives every step's rate from it with
 * rateAt (a schedule's shape started at lr0) or jkoTau. The particle-time factor and the trainable-part
 * masks: stepScales alone decides c_s, and every path reads it (fused GD as lr c_s through stepSizes, the
 * optimizer kernels and their float64 twins as u = c_s g).
 */
import { learningRateAt, withBaseRate } from './schedule';
import { particleTimeFactor } from './conventions';
import type { JkoSettings, TwoLayerTrainerConfig } from './network';

/** JkoSettings' home is src/core/network.ts (the run's settings); re-exported for the update rule's importers. */

/** The fields of a run that decide its updates: the network's shape and scaling, and the run's rule and rate. */
export type UpdateSettings = Pick<
  TwoLayerTrainerConfig,
  'width' | 'inputDim' | 'scaling' | 'trainable' | 'hasBias' | 'learningRate' | 'optimizer' | 'schedule' | 'jko' | 'sphere'
>;

/** Why `settings` cannot train on the sphere, or undefined when it can (plain GD, W trained, no bias). */
export function sphereProblem(settings: Pick<UpdateSettings, 'sphere' | 'optimizer' | 'schedule' | 'jko' | 'trainable' | 'hasBias'>): string | undefined {
  if (!settings.sphere) return undefined;
  if (!isPlainGd(settings)) return 'needs plain GD at a constant rate (no other optimizer rule, schedule or JKO): the retraction follows the fused GD step';
  if (settings.trainable === 'second') return "needs a trained first layer (trainable 'first' or 'both')";
  if (settings.hasBias) return 'is for bias-free neurons: b would be a coordinate off the sphere';
  return undefined;
}

/**
 * Why `learningRate` cannot be the base rate lr0 of a run with these settings, or undefined when it can:
 * finite and >= 0 (0 takes steps that do not move), and > 0 under JKO, whose tau scales with it.
 */
export function learningRateProblem(settings: Pick<UpdateSettings, 'jko'>, learningRate: number): string | undefined {
  if (!(learningRate >= 0) || !Number.isFinite(learningRate)) return `must be finite and >= 0 (in the scaling's own units), got ${learningRate}`;
  if (settings.jko && !(learningRate > 0)) return `must be > 0 with JKO steps, whose tau moves with the rate (tau lr / the configured rate), got ${learningRate}`;
  return undefined;
}

/** Why a schedule and the configured rate disagree on lr0, or undefined: a run has one base rate. */
export function scheduleRateProblem(settings: Pick<UpdateSettings, 'learningRate' | 'schedule'>): string | undefined {
  const schedule = settings.schedule;
  if (!schedule || schedule.learningRate === settings.learningRate) return undefined;
  return `is ${schedule.learningRate} but the run's rate is ${settings.learningRate}: a schedule starts at the run's rate, give it once`;
}

/** A learning rate no step can take (NaN, infinite, negative; 0 under JKO). */
export class InvalidLearningRateError extends RangeError {
  override name = 'InvalidLearningRateError';
}

/** Returns `learningRate` when it can be the run's base rate lr0 (learningRateProblem), else throws InvalidLearningRateError. */
export function checkLearningRate(settings: Pick<UpdateSettings, 'jko'>, learningRate: number): number {
  const problem = learningRateProblem(settings, learningRate);
  if (problem) throw new InvalidLearningRateError(`learning rate ${problem}; give a finite rate >= 0${settings.jko ? ' (> 0 with JKO)' : ''}`);
  return learningRate;
}

/**
 * c_s per tensor: the step per unit rate, m for mean-field particle time (particleTimeFactor), 1 otherwise, and
 * 0 for a frozen tensor. The one place where particle time and the trainable parts enter an update.
 */
export function stepScales(settings: Pick<UpdateSettings, 'scaling' | 'trainable' | 'width'>): { a: number; w: number } {
  const unit = particleTimeFactor(settings.scaling, settings.width);
  return { a: settings.trainable === 'first' ? 0 : unit, w: settings.trainable === 'second' ? 0 : unit };
}

/** The plain-GD step of each tensor at rate lr: lr c_s (in float64; a kernel rounds it once), exactly 0 when frozen. */
export function stepSizes(settings: Pick<UpdateSettings, 'scaling' | 'trainable' | 'width'>, learningRate: number): { a: number; w: number } {
  const scale = stepScales(settings);
  return { a: learningRate * scale.a, w: learningRate * scale.w };
}

/** lr of step t at base rate lr0 = `learningRate`: the schedule's shape started at lr0 (withBaseRate), or lr0 itself. */
export function rateAt(settings: Pick<UpdateSettings, 'schedule'>, t: number, learningRate: number): number {
  return settings.schedule ? learningRateAt(withBaseRate(settings.schedule, learningRate), t) : learningRate;
}

/** JKO's outer step at base rate lr0: the configured tau times lr0 / the configured rate (tau itself at that rate). */
export function jkoTau(settings: Pick<UpdateSettings, 'learningRate'> & { readonly jko: JkoSettings }, learningRate: number): number {
  const { tau } = settings.jko;
  return learningRate === settings.learningRate ? tau : tau * (learningRate / settings.learningRate);
}

/** Plain GD at a constant rate: the fused single-kernel update applies. */
export function isPlainGd(settings: Pick<UpdateSettings, 'optimizer' | 'schedule' | 'jko'>): boolean {
  return !settings.jko && !settings.schedule && (settings.optimizer?.kind ?? 'gd') === 'gd';
}
