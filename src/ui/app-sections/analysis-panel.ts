/**
 * The "Analyze the current parameters" panel (folded, beside the Run panel): a button that analyzes the run's
 * parameters at the next step boundary (a run set's focused member), the progress while it works, then the
 * NTK spectrum and the Hessian's top eigenvalues (analysis-result.ts), or why it failed. The button waits for
 * a run with parameters; a run that is not a two-layer network, or has too many samples, says why instead.
 */
import { html, nothing } from 'lit';
import { analysisRefusal, DENSE_HESSIAN_LIMIT, HESSIAN_TOP_COUNT } from '../../app/parameter-analysis';
import type { SessionStatus, TrainingSession } from '../../app/training-session';
import type { AnalysisController } from '../controllers/analysis-controller';
import { analysisResult } from './analysis-result';

export interface AnalysisPanel {
  readonly analysis: AnalysisController;
  readonly session: TrainingSession | undefined;
  /** The member analyzed: a run set's focused one, else 0. */
  readonly member: number;
}

/** Why the button waits, by run status; a status not listed has parameters to analyze. */
const WAITING: Partial<Record<SessionStatus, string>> = {
  starting: 'The run is starting: its parameters come with its first step.',
  failed: 'The run failed: it has no parameters to analyze.',
  diverged: 'The run diverged: its parameters are not finite.',
};

export function analysisPanel({ analysis, session, member }: AnalysisPanel) {
  const state = analysis.stateFor(session);
  const config = session?.members[member]?.config;
  // The live problem knows n even for a CSV file (the config does not); while starting it is the previous run's.
  const sampleCount = session && session.status !== 'starting' ? session.memberLive(member)?.problem.train.y.length : undefined;
  const refusal = config ? analysisRefusal(config, sampleCount) : undefined;
  const waiting = !session ? 'Nothing runs: start a run to analyze its parameters.' : WAITING[session.status];
  const working = state.phase === 'working';
  const label = session?.isSet ? session.members[member]?.label : undefined;
  const where = config?.backend === 'float64'
    ? `in float64 on the CPU (every Hessian eigenvalue up to ${DENSE_HESSIAN_LIMIT} trainable parameters).`
    : 'on the GPU in float32 (eigen-solves in float64). The first analysis compiles GPU kernels: tens of seconds on a software GPU.';
  return html`<details class="panel fold" data-section="analysis-panel">
    <summary>Analyze the current parameters <span class="muted">NTK spectrum, Hessian eigenvalues</span></summary>
    <p class="muted">The NTK Gram K (n x n) with its parts K^(a), K^(w), and the Hessian's top ${HESSIAN_TOP_COUNT} eigenvalues (Lanczos)
      and trace, at the run's next step boundary; ${where}</p>
    ${refusal ? html`<p class="muted" data-testid="analysis-refusal">${refusal}</p>` : nothing}
    <div class="row">
      <button type="button" data-testid="analyze" ?disabled=${!session || waiting !== undefined || refusal !== undefined || working}
        @click=${() => session && analysis.analyze(session, member)}>${working ? 'Analyzing…' : 'Analyze'}</button>
      ${label ? html`<span class="muted" data-testid="analysis-member">the focused member, ${label}</span>` : nothing}
    </div>
    ${waiting && !refusal ? html`<p class="muted" data-testid="analysis-waiting">${waiting}</p>` : nothing}
    ${working ? html`<p class="muted" role="status"><progress aria-label="analysis in progress"></progress> <span data-testid="analysis-progress">${state.progress}</span></p>` : nothing}
    ${state.phase === 'failed' ? html`<p class="error-text" role="alert" data-testid="analysis-error">The analysis failed: ${state.message}</p>` : nothing}
    ${state.phase === 'done' ? analysisResult(state.result) : nothing}
  </details>`;
}
