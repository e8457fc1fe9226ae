/** The header's live facts: adapter, network width, step, loss, speed, frame rate and run status. */
import { html, nothing } from 'lit';
import type { TrainingSession } from '../../app/training-session';
import type { ExperimentConfig } from '../../config/schema';
import { formatNumber } from '../sharpness-display';

/** The members' latest step losses as "lowest – highest" (finite ones). */
function lossRange(members: readonly { readonly stepLosses: readonly number[] }[]): string {
  const latest = members.map((member) => member.stepLosses.at(-1)).filter((loss): loss is number => loss !== undefined && Number.isFinite(loss));
  if (latest.length === 0) return '…';
  const [lo, hi] = [Math.min(...latest), Math.max(...latest)];
  return lo === hi ? formatNumber(lo) : `${formatNumber(lo)} – ${formatNumber(hi)}`;
}

export interface RunFacts {
  readonly adapter: string;
  readonly session: TrainingSession | undefined;
  readonly config: ExperimentConfig | undefined;
  /** The particle view's frame rate; undefined hides it. */
  readonly framesPerSecond: number | undefined;
}

export function runFacts({ adapter, session, config, framesPerSecond: fps }: RunFacts) {
  const progress = session?.progress;
  const model = config?.model;
  const members = session?.isSet ? session.members : undefined;
  return html`<div class="facts" aria-live="polite">
      <span>adapter: <b>${adapter || '…'}</b></span>
      ${members ? html`<span>members: <b data-testid="members">${members.length}</b></span>` : nothing}
      ${members && model?.kind === 'two-layer' ? html`<span>neurons: <b data-testid="neurons">${members.reduce((total, member) => total + (member.config.model.kind === 'two-layer' ? member.config.model.width : 0), 0).toLocaleString()}</b> in all</span>` : nothing}
      ${!members && model?.kind === 'two-layer' ? html`<span>neurons: <b data-testid="neurons">${model.width.toLocaleString()}</b></span>` : nothing}
      <span>step: <b data-testid="step">${progress?.step ?? 0}</b> / ${session?.config.steps ?? config?.steps ?? '…'}</span>
      ${members && members.some((member) => member.stepLosses.length > 0)
        ? html`<span>loss: <b data-testid="loss">${lossRange(members)}</b></span>`
        : html`<span>loss${members ? ' (first member)' : ''}: <b data-testid="loss">${progress ? formatNumber(progress.loss) : '…'}</b></span>`}
      <span>steps/s: <b data-testid="steps-per-second">${progress ? progress.stepsPerSecond.toFixed(0) : '…'}</b></span>
      ${fps !== undefined ? html`<span>fps: <b data-testid="fps">${fps.toFixed(0)}</b></span>` : nothing}
      <span>status: <b data-testid="status">${session?.status ?? 'idle'}</b></span>
    </div>`;
}
