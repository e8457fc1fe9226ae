/**
 * An app run taken as result.json while it trains: what the CLI would have written had the run been stopped
 * at the latest step whose loss is known. The CLI's convention holds: stepLosses has stepsTaken entries (the
 * loss before each step taken) and finalLoss is the loss at step stepsTaken, i.e. after the last step. So the
 * snapshot ends at the later of the last logged row (its loss metric) and the last step loss back (the loss at
 * step n - 1 when n losses are back, which ends the snapshot one step before them).
 */
import type { ExperimentConfig } from '../config/schema';
import type { ExperimentResult, ExperimentSummary } from '../run/run-experiment';
import type { SessionMember } from './session-member';

/** A run set's result.json as the app writes it: the config with its sweep, the set's summary, every member's result. */
export interface RunSetSnapshot {
  readonly config: ExperimentConfig;
  readonly summary: ExperimentSummary & { readonly memberCount: number };
  readonly members: readonly (ExperimentResult & { readonly index: number; readonly label: string; readonly overrides: Record<string, unknown> })[];
}

/** What a member's snapshot takes from the run as a whole. */
export interface SnapshotContext {
  /** The config the result names (a single run: the run's, with its current batch size and length). */
  readonly config: ExperimentConfig;
  readonly backend: string;
  readonly device: string;
  readonly wallSeconds: number;
  readonly events: string[];
  /** The row field that is the run's loss ('loss'; the landscape: 'meanValue'). */
  readonly lossMetric: string;
}

/** A member still training, as a result that ends at its latest known loss (see the file's note). */
export function memberSoFar(member: Pick<SessionMember, 'rows' | 'stepLosses'>, context: SnapshotContext): ExperimentResult {
  const { rows, stepLosses } = member;
  const lastRow = rows.at(-1);
  const logged = lastRow?.[context.lossMetric];
  const rowStep = lastRow && logged !== undefined ? lastRow.step : -1;
  const fromRow = rowStep >= stepLosses.length - 1;
  const stepsTaken = fromRow ? Math.max(rowStep, 0) : stepLosses.length - 1;
  const finalLoss = fromRow ? logged ?? NaN : stepLosses[stepsTaken]!;
  const { config, backend, device, wallSeconds, events } = context;
  return {
    config,
    metrics: rows.filter((row) => row.step <= stepsTaken),
    stepLosses: stepLosses.slice(0, stepsTaken),
    summary: {
      backend, device, stepsTaken, finalLoss, diverged: false, status: `running (step ${stepsTaken})`,
      wallSeconds, stepsPerSecond: stepsTaken / Math.max(wallSeconds, 1e-9), events,
    },
  };
}

/** A run set so far (or ended): its config with the sweep, the set's summary and every member's result. */
export function runSetSnapshot(config: ExperimentConfig, members: RunSetSnapshot['members'], ended: 'completed' | 'stopped' | 'diverged' | undefined): RunSetSnapshot {
  const first = members[0]!.summary;
  const stepsTaken = Math.max(...members.map((member) => member.summary.stepsTaken));
  const diverged = members.filter((member) => member.summary.diverged).length;
  const endedAs = ended === 'diverged' ? 'every member diverged' : ended === 'stopped' ? `stopped at step ${stepsTaken}` : 'completed';
  const status = ended === undefined ? `running (step ${stepsTaken})` : `${endedAs}${diverged > 0 && diverged < members.length ? `; ${diverged} of ${members.length} members diverged` : ''}`;
  return {
    config,
    summary: { ...first, stepsTaken, finalLoss: first.finalLoss, diverged: diverged === members.length, status, memberCount: members.length },
    members,
  };
}
