import { render } from 'lit';
import { describe, expect, it } from 'vitest';
import type { TrainingSession } from '../../../src/app/training-session';
import { parseConfig } from '../../../src/config/schema';
import { hiddenRunSettings, runPanel } from '../../../src/ui/app-sections/run-panel';
import type { RunController } from '../../../src/ui/controllers/run-controller';
import '../../../src/ui/gradflow-run-controls';

const config = parseConfig({ steps: 40, model: { width: 8 }, data: { kind: 'teacher-student', sampleCount: 16, inputDim: 2, teacher: { kind: 'random', width: 2 } } });

/** The panel for a run in `status`, its run controls once drawn. */
async function panelFor(session: Partial<TrainingSession>, hidden: readonly string[] = []) {
  const root = document.createElement('div');
  document.body.append(root);
  const run = { session: session as TrainingSession, stepsPerFrame: 8, stopBelowLoss: undefined } as unknown as RunController;
  render(runPanel(run, config, { onCommand: () => {}, onSetting: () => {}, hidden }), root);
  const controls = root.querySelector('gradflow-run-controls')!;
  await controls.updateComplete;
  return { root, controls: controls.shadowRoot! };
}

describe('the Run panel', () => {
  it('hides the settings of the fields a link hides (hide=optimizer: learning rate and batch size)', async () => {
    expect(hiddenRunSettings(['optimizer'])).toEqual(['learningRate', 'batchSize']);
    expect(hiddenRunSettings(['optimizer.batchSize', 'model'])).toEqual(['batchSize']);
    expect(hiddenRunSettings([])).toEqual([]);
    const { root, controls } = await panelFor({ status: 'running', canContinue: false, isSet: false, message: '' }, ['optimizer']);
    expect(controls.querySelector('#learningRate')).toBeNull();
    expect(controls.querySelector('#batchSize')).toBeNull();
    expect(controls.querySelector('#stepsPerFrame')).not.toBeNull();
    expect(controls.querySelector('#stopBelowLoss')).not.toBeNull();
    root.remove();
  });

  it('offers Play after a run completed or was stopped (it plays on), not after a failure', async () => {
    const ended = await panelFor({ status: 'completed', canContinue: true, isSet: false, message: 'completed' });
    expect(ended.controls.querySelector<HTMLButtonElement>('[data-testid="play"]')!.disabled).toBe(false);
    expect(ended.controls.querySelector('#learningRate')).not.toBeNull();
    ended.root.remove();
    const failed = await panelFor({ status: 'failed', canContinue: false, isSet: false, message: 'no' });
    expect(failed.controls.querySelector<HTMLButtonElement>('[data-testid="play"]')!.disabled).toBe(true);
    failed.root.remove();
  });
});
