/** Banners above the layout: a diverged or failed run, a learning rate about to blow up, the run's events. */
import { html, type TemplateResult } from 'lit';
import type { TrainingSession } from '../../app/training-session';
import { formatNumber, learningRateWarning } from '../sharpness-display';

export function runBanners(session: TrainingSession | undefined): TemplateResult[] {
  const banners = [];
  if (session?.status === 'diverged') {
    banners.push(html`<div class="banner error" role="alert" data-testid="diverged">The run diverged at step ${session.result?.summary.divergedAt}: the loss became infinite or NaN. Lower the learning rate (GD needs lr < 2 / sharpnessParticleTime) and rewind.</div>`);
  } else if (session?.status === 'failed') {
    banners.push(html`<div class="banner error" role="alert" data-testid="run-failed">${session.message}</div>`);
  }
  const warning = stabilityWarning(session);
  if (warning) banners.push(html`<div class="banner warning" role="status" data-testid="stability-warning">${warning}</div>`);
  const events = session?.events ?? [];
  if (events.length > 0) banners.push(html`<div class="banner info" role="status"><b>Events</b><ul class="events">${events.map((e) => html`<li>${e}</li>`)}</ul></div>`);
  return banners;
}

/** GD is linearly stable only while lr * sharpnessParticleTime < 2 (docs/science.md section 4): warn before the blow-up. */
export function stabilityWarning(session: Pick<TrainingSession, 'config' | 'status' | 'rows' | 'stepLosses'> | undefined): string {
  const config = session?.config;
  if (!session || !config || config.model.kind !== 'two-layer' || session.status === 'diverged') return '';
  const warning = learningRateWarning(config, session.rows);
  if (warning) return warning;
  const losses = session.stepLosses;
  const k = losses.length;
  if (k > 40 && losses[k - 1]! > 4 * losses[k - 21]! && losses[k - 21]! > losses[k - 41]!) {
    return `The loss is rising (x${formatNumber(losses[k - 1]! / losses[k - 21]!)} over 20 steps): the learning rate may exceed 2 / sharpness. Log 'sharpnessParticleTime' to see the bound.`;
  }
  return '';
}
