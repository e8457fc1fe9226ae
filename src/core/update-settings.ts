/**
 * The update rule of a run, shared by the GPU trainer and its float64 twin: which optimizer, which
 * learning rate at which step, and how far each parameter tensor moves per unit rate.
 */
import type { OptimizerRule } from './update-rules';
import { learningRateAt, type LearningRateSchedule } from './schedule';
import { particleLearningRate, type Scaling, type TrainableParts } from './conventions';

/** JKO / proximal step (docs/science.md section 1): theta^{k+1} = argmin L + (1/(2 tau)) (1/m) sum_j |theta_j - theta_j^k|^2. */
export interface JkoSettings {
  readonly tau: number;
  readonly innerSteps: number;
  readonly innerLearningRate: number;
}

export interface UpdateSettings {
  readonly width: number;
  readonly inputDim: number;
  readonly scaling: Scaling;
  readonly trainable: TrainableParts;
  readonly hasBias: boolean;
  /** lr0 (the schedule's start; a constant rate without one). */
  readonly learningRate: number;
  readonly optimizer?: OptimizerRule;
  readonly schedule?: LearningRateSchedule;
  readonly jko?: JkoSettings;
  /**
   * First-layer rows constrained to the unit sphere (docs/science.md section 1, E-Ma-Wu): each plain-GD step
   * is followed by the retraction w_j <- w_j / |w_j|. Only with plain GD (checked by the trainers).
   */
  readonly sphere?: boolean;
}

/** Why `settings` cannot train on the sphere, or undefined when it can (plain GD, W trained, no bias). */
export function sphereProblem(settings: Pick<UpdateSettings, 'sphere' | 'optimizer' | 'schedule' | 'jko' | 'trainable' | 'hasBias'>): string | undefined {
  if (!settings.sphere) return undefined;
  if (!isPlainGd(settings)) return 'needs plain GD at a constant rate (no other optimizer rule, schedule or JKO): the retraction follows the fused GD step';
  if (settings.trainable === 'second') return "needs a trained first layer (trainable 'first' or 'both')";
  if (settings.hasBias) return 'is for bias-free neurons: b would be a coordinate off the sphere';
  return undefined;
}

/** c_s per tensor: the step per unit rate (m for mean-field particle time, 1 otherwise, 0 when frozen). */
export function stepScales(settings: Pick<UpdateSettings, 'scaling' | 'trainable' | 'width'>): { a: number; w: number } {
  const unit = particleLearningRate(settings.scaling, 1, settings.width);
  return { a: settings.trainable === 'first' ? 0 : unit, w: settings.trainable === 'second' ? 0 : unit };
}

/** lr of step t: the schedule's, or the constant rate, times a mid-run scale. */
export function rateAt(settings: Pick<UpdateSettings, 'learningRate' | 'schedule'>, t: number, scale = 1): number {
  return (settings.schedule ? learningRateAt(settings.schedule, t) : settings.learningRate) * scale;
}

/** Plain GD at a constant rate: the fused single-kernel update applies. */
export function isPlainGd(settings: Pick<UpdateSettings, 'optimizer' | 'schedule' | 'jko'>): boolean {
  return !settings.jko && !settings.schedule && (settings.optimizer?.kind ?? 'gd') === 'gd';
}
