/** The "Run" panel: <gradflow-run-controls> set from the run and its config, and why the run ended. */
import { html, nothing } from 'lit';
import type { ExperimentConfig } from '../../config/schema';
import { isHidden } from '../config-form';
import type { RunController } from '../controllers/run-controller';
import type { RunCommand, RunSettingName } from '../gradflow-run-controls';

export interface RunPanelHandlers {
  readonly onCommand: (event: CustomEvent<{ command: RunCommand }>) => void;
  readonly onSetting: (event: CustomEvent<{ name: RunSettingName; value: number | undefined }>) => void;
  /** The link's hidden config paths (`hide=`): the settings that edit them are hidden here too. */
  readonly hidden?: readonly string[];
}

/** The config field each run setting edits (the others are the app's, not the config's). */
const SETTING_PATHS: Partial<Record<RunSettingName, string>> = { learningRate: 'optimizer.learningRate', batchSize: 'optimizer.batchSize' };

/** The run settings whose config field the link hides (hide=optimizer hides the learning rate and the batch size). */
export function hiddenRunSettings(hidden: readonly string[]): RunSettingName[] {
  return (Object.entries(SETTING_PATHS) as [RunSettingName, string][]).filter(([, path]) => isHidden(path, hidden)).map(([name]) => name);
}

export function runPanel(run: RunController, config: ExperimentConfig | undefined, { onCommand, onSetting, hidden = [] }: RunPanelHandlers) {
  const session = run.session;
  const playing = session?.status === 'running';
  const ready = session !== undefined && (session.status === 'running' || session.status === 'paused');
  return html`<gradflow-run-controls ?playing=${playing} ?ready=${ready} ?can-continue=${session?.canContinue ?? false}
      .learningRate=${config?.optimizer.learningRate ?? 0.1} .batchSize=${config?.optimizer.batchSize} .sampleCount=${sampleCountOf(config)}
      .stepsPerFrame=${run.stepsPerFrame} .maxStepsPerFrame=${config?.stepsPerSubmit ?? 64} .stopBelowLoss=${run.stopBelowLoss}
      .hiddenSettings=${hiddenRunSettings(hidden)}
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
