/** The "Run" panel: <gradflow-run-controls> set from the run and its config, and why the run ended. */
import { html, nothing } from 'lit';
import type { ExperimentConfig } from '../../config/schema';
import type { RunController } from '../controllers/run-controller';
import type { RunCommand, RunSettingName } from '../gradflow-run-controls';

export interface RunPanelHandlers {
  readonly onCommand: (event: CustomEvent<{ command: RunCommand }>) => void;
  readonly onSetting: (event: CustomEvent<{ name: RunSettingName; value: number | undefined }>) => void;
}

export function runPanel(run: RunController, config: ExperimentConfig | undefined, { onCommand, onSetting }: RunPanelHandlers) {
  const session = run.session;
  const playing = session?.status === 'running';
  const ready = session !== undefined && (session.status === 'running' || session.status === 'paused');
  return html`<gradflow-run-controls ?playing=${playing} ?ready=${ready}
      .learningRate=${config?.optimizer.learningRate ?? 0.1} .batchSize=${config?.optimizer.batchSize} .sampleCount=${sampleCountOf(config)}
      .stepsPerFrame=${run.stepsPerFrame} .maxStepsPerFrame=${config?.stepsPerSubmit ?? 64} .stopBelowLoss=${run.stopBelowLoss}
      @run-command=${onCommand} @run-setting=${onSetting}></gradflow-run-controls>
      ${session?.isSet ? html`<p class="muted" data-testid="set-note">A run set of ${session.members.length}: play, pause, step and stop act on every member; a new learning rate goes to the first member and the others keep their ratio to it; a new batch size restarts the set.</p>` : nothing}
      ${session?.message && session.status !== 'running' ? html`<p class="muted" data-testid="run-message">${session.message}</p>` : nothing}`;
}

/** The training set's size where the data section fixes one (bounds the batch size), else Infinity. */
function sampleCountOf(config: ExperimentConfig | undefined): number {
  const kind = config?.data.kind;
  if (kind === 'teacher-student' || kind === 'linear-separable' || kind === 'orthogonal-separable' || kind === 'xor') {
    return (config!.data as { sampleCount?: number }).sampleCount ?? Infinity;
  }
  return Infinity;
}
