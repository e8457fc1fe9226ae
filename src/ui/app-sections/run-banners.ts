/**
 * Banners at the top of the page: a diverged or failed run, a learning rate about to blow up, the run's events. In a
 * run set: members that diverged (the others train on), and the members whose rate is past 2 / sharpness.
 * The learning-rate warning goes through `hold` (src/ui/controllers/held-warning-controller.ts), which keeps it
 * readable while its condition flickers near the edge of stability.
 */
import { html, type TemplateResult } from 'lit';
import type { TrainingSession } from '../../app/training-session';
import { formatNumber, learningRateWarning } from '../sharpness-display';
import { reuploadButton } from './files-panel';

/** What the warning shown now is, given the one whose condition holds now ('' when none does). */
export type WarningHold = (current: string) => string;

export function runBanners(session: TrainingSession | undefined, hold: WarningHold = (current) => current): TemplateResult[] {
  const banners = [];
  if (session?.isSet && session.members.length > 1) return [...setBanners(session, hold), ...eventBanner(session)];
  if (session?.status === 'diverged') {
    banners.push(html`<div class="banner error" role="alert" data-testid="diverged">The run diverged at step ${session.result?.summary.divergedAt}: the loss became infinite or NaN. Lower the learning rate (GD needs lr < 2 / sharpnessParticleTime) and rewind.</div>`);
  } else if (session?.status === 'failed') {
    banners.push(html`<div class="banner error" role="alert" data-testid="run-failed">${session.message} ${reuploadButton(session)}</div>`);
  }
  // A diverged run says so itself; the warning before it has done its work.
  const warning = session?.status === 'diverged' ? '' : hold(stabilityWarning(session));
  if (warning) banners.push(html`<div class="banner warning" role="status" data-testid="stability-warning">${warning}</div>`);
  banners.push(...eventBanner(session));
  return banners;
}

function eventBanner(session: TrainingSession | undefined): TemplateResult[] {
  const events = session?.events ?? [];
  return events.length > 0 ? [html`<div class="banner info" role="status"><b>Events</b><ul class="events">${events.map((e) => html`<li>${e}</li>`)}</ul></div>`] : [];
}

/** A run set's banners: every member diverged (error) or some did (warning), a failure, and the stability warnings. */
function setBanners(session: TrainingSession, hold: WarningHold): TemplateResult[] {
  const banners: TemplateResult[] = [];
  const diverged = session.members.filter((member) => member.result?.summary.diverged ?? member.stepLosses.some((loss) => !Number.isFinite(loss)));
  const where = diverged.map((member) => `${member.label} (step ${member.result?.summary.divergedAt ?? member.stepLosses.findIndex((loss) => !Number.isFinite(loss))})`).join('; ');
  if (session.status === 'diverged') {
    banners.push(html`<div class="banner error" role="alert" data-testid="diverged">Every member diverged: ${where}. Lower the learning rates (GD needs lr < 2 / sharpnessParticleTime) and rewind.</div>`);
  } else if (session.status === 'failed') {
    banners.push(html`<div class="banner error" role="alert" data-testid="run-failed">${session.message}</div>`);
  } else if (diverged.length > 0) {
    banners.push(html`<div class="banner warning" role="status" data-testid="members-diverged">${diverged.length} of ${session.members.length} members diverged, the others train on: ${where}.</div>`);
  }
  const warning = session.status === 'diverged' ? '' : hold(setStabilityWarning(session));
  if (warning) banners.push(html`<div class="banner warning" role="status" data-testid="stability-warning">${warning}</div>`);
  return banners;
}

/** The first member past GD's stability limit (named), and how many more are; '' when none is. */
export function setStabilityWarning(session: Pick<TrainingSession, 'members' | 'status'>): string {
  if (session.status === 'diverged') return '';
  const warnings = session.members.flatMap((member) => {
    if (member.config.model.kind !== 'two-layer' || member.stepLosses.some((loss) => !Number.isFinite(loss))) return [];
    const warning = learningRateWarning(member.config, member.rows);
    return warning ? [`${member.label}: ${warning}`] : [];
  });
  if (warnings.length === 0) return '';
  return `${warnings[0]}${warnings.length > 1 ? ` (${warnings.length - 1} more member${warnings.length > 2 ? 's' : ''} past 2 / sharpness)` : ''}`;
}

/**
 * GD is linearly stable only while lr * sharpnessParticleTime < 2 (docs/science.md section 4): warn before the
 * blow-up. lr is the run's own (a rate set while it trains goes to the run, not to the config it started with).
 */
export function stabilityWarning(session: (Pick<TrainingSession, 'config' | 'status' | 'rows' | 'stepLosses'> & Partial<Pick<TrainingSession, 'learningRate'>>) | undefined): string {
  const config = session?.config;
  if (!session || !config || config.model.kind !== 'two-layer' || session.status === 'diverged') return '';
  const learningRate = session.learningRate ?? config.optimizer.learningRate;
  const warning = learningRateWarning({ ...config, optimizer: { ...config.optimizer, learningRate } }, session.rows);
  if (warning) return warning;
  const losses = session.stepLosses;
  const k = losses.length;
  if (k > 40 && losses[k - 1]! > 4 * losses[k - 21]! && losses[k - 21]! > losses[k - 41]!) {
    return `The loss is rising (x${formatNumber(losses[k - 1]! / losses[k - 21]!)} over 20 steps): the learning rate may exceed 2 / sharpness. Log 'sharpnessParticleTime' to see the bound.`;
  }
  return '';
}
