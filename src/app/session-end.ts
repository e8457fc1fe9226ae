/**
 * How an app run ends, in words: by its stop rule (every member's latest loss below a threshold), or as its
 * members' results say (a run set has diverged only when every member has; otherwise it ended as its
 * scheduler did, naming the members that diverged on the way).
 */
import type { ProgressEvent } from '../run/scheduler';
import type { SessionMember } from './session-member';

/** Why the run stops after this chunk under `stopBelowLoss` (every member's latest loss below it), or ''. */
export function stopRuleMessage(event: ProgressEvent, memberCount: number, stopBelowLoss: number | undefined): string {
  if (stopBelowLoss === undefined) return '';
  const losses = event.losses ?? [];
  const steps = losses.length / memberCount;
  const latest = steps > 0 ? Array.from({ length: memberCount }, (_, k) => losses[(steps - 1) * memberCount + k]!) : [event.loss];
  if (!latest.every((loss) => loss < stopBelowLoss)) return '';
  const shown = memberCount === 1 ? `loss ${event.loss.toExponential(3)}` : `every member's loss (at most ${Math.max(...latest).toExponential(3)})`;
  return `stopped: ${shown} fell below ${stopBelowLoss}`;
}

/** The ended run's status and message from its members' results (every member has one). */
export function endOf(members: readonly SessionMember[], stepsTaken: number): { status: 'completed' | 'stopped' | 'diverged'; message: string } {
  const results = members.map((member) => member.result!);
  const everyDiverged = results.every((result) => result.summary.diverged);
  const stopped = results.some((result) => result.summary.status.startsWith('stopped'));
  const status = everyDiverged ? 'diverged' : stopped ? 'stopped' : 'completed';
  if (members.length === 1) return { status, message: results[0]!.summary.status };
  const diverged = members.filter((member) => member.result!.summary.diverged);
  const ended = everyDiverged ? 'every member diverged' : stopped ? `stopped at step ${stepsTaken}` : 'completed';
  const note = diverged.length > 0 && !everyDiverged ? `; ${diverged.length} of ${members.length} members diverged (${diverged.map((member) => member.label).join('; ')})` : '';
  return { status, message: `${ended}${note}` };
}
