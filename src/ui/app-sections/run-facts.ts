/** The header's live facts: adapter, network width, step, loss, speed, frame rate and run status. */
import { html, nothing } from 'lit';
import type { TrainingSession } from '../../app/training-session';
import type { ExperimentConfig } from '../../config/schema';
import { formatNumber } from '../sharpness-display';

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
  return html`<div class="facts" aria-live="polite">
      <span>adapter: <b>${adapter || '…'}</b></span>
      ${model?.kind === 'two-layer' ? html`<span>neurons: <b data-testid="neurons">${model.width.toLocaleString()}</b></span>` : nothing}
      <span>step: <b data-testid="step">${progress?.step ?? 0}</b> / ${config?.steps ?? '…'}</span>
      <span>loss: <b data-testid="loss">${progress ? formatNumber(progress.loss) : '…'}</b></span>
      <span>steps/s: <b data-testid="steps-per-second">${progress ? progress.stepsPerSecond.toFixed(0) : '…'}</b></span>
      ${fps !== undefined ? html`<span>fps: <b data-testid="fps">${fps.toFixed(0)}</b></span>` : nothing}
      <span>status: <b data-testid="status">${session?.status ?? 'idle'}</b></span>
    </div>`;
}
