/**
 * Per-sample losses l(f, y) and their slopes dl/df in float64 (docs/science.md section 0), written so
 * that no finite f overflows where the loss itself stays finite.
 */
import type { LossKind } from '../core/conventions';

/** softplus(t) = log(1 + exp(t)) = max(t, 0) + log1p(exp(-|t|)): exp only ever sees t <= 0. */
export function softplus(t: number): number {
  return Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

/** sigmoid(t) = 1 / (1 + exp(-t)), through exp(-|t|) in (0, 1] so it never overflows. */
export function sigmoid(t: number): number {
  const e = Math.exp(-Math.abs(t));
  return t >= 0 ? 1 / (1 + e) : e / (1 + e);
}

/** l(f, y): square 0.5 (f - y)^2, logistic log(1 + exp(-y f)), exponential exp(-y f). */
export function lossValue(kind: LossKind, f: number, y: number): number {
  switch (kind) {
    case 'square':
      return 0.5 * (f - y) ** 2;
    case 'logistic':
      return softplus(-y * f);
    case 'exponential':
      return Math.exp(-y * f);
  }
}

/** dl/df: square f - y, logistic -y sigmoid(-y f), exponential -y exp(-y f). */
export function lossDerivative(kind: LossKind, f: number, y: number): number {
  switch (kind) {
    case 'square':
      return f - y;
    case 'logistic':
      return -y * sigmoid(-y * f);
    case 'exponential':
      return -y * Math.exp(-y * f);
  }
}

/** Logistic and exponential losses are for labels y in {-1, +1}. */
export function needsSignLabels(kind: LossKind): boolean {
  return kind !== 'square';
}
