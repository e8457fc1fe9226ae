/** The previous runs' losses and metric rows, kept so that the charts can overlay them on the current run. */
import type { TrainingSession } from '../../app/training-session';

/** Previous runs kept for overlay in the charts. */
export const OVERLAID_RUNS = 3;

export interface PastRun {
  readonly label: string;
  readonly stepLosses: readonly number[];
  readonly rows: readonly Record<string, number>[];
}

/** `session`'s curves (copied: a session keeps appending) before `runs`, keeping the newest OVERLAID_RUNS; a run that took no step is not kept. */
export function withPastRun(runs: readonly PastRun[], label: string, session: Pick<TrainingSession, 'stepLosses' | 'rows'>): readonly PastRun[] {
  if (session.stepLosses.length === 0) return runs;
  return [{ label, stepLosses: [...session.stepLosses], rows: [...session.rows] }, ...runs].slice(0, OVERLAID_RUNS);
}
