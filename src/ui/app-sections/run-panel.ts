/**
 * The "Run" panel: what the run takes besides the transport's play/pause, Step and Rewind and the Essentials
 * panel's learning rate and batch size (each control is on the page once): Stop, the steps per frame and the
 * stop rule (<gradflow-run-controls>), and why the run ended.
 */
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
  const ready = session !== undefined && (session.status === 'running' || session.status === 'paused');
  return html`<gradflow-run-controls ?ready=${ready}
      .stepsPerFrame=${run.stepsPerFrame} .maxStepsPerFrame=${config?.stepsPerSubmit ?? 64} .stopBelowLoss=${run.stopBelowLoss}
      @run-command=${onCommand} @run-setting=${onSetting}></gradflow-run-controls>
      ${session?.isSet ? html`<p class="muted" data-testid="set-note">A run set of ${session.members.length}: play, pause, step, rewind and stop act on every member.</p>` : nothing}
      ${session?.message && session.status !== 'running' ? html`<p class="muted" data-testid="run-message">${session.message}</p>` : nothing}`;
}
