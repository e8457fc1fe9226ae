import { render } from 'lit';
import { describe, expect, it } from 'vitest';
import type { TrainingSession } from '../../../src/app/training-session';
import { parseConfig } from '../../../src/config/schema';
import { runPanel } from '../../../src/ui/app-sections/run-panel';
import type { RunController } from '../../../src/ui/controllers/run-controller';
import '../../../src/ui/gradflow-run-controls';

const config = parseConfig({ steps: 40, model: { width: 8 }, data: { kind: 'teacher-student', sampleCount: 16, inputDim: 2, teacher: { kind: 'random', width: 2 } } });

/** The panel for a run in `status`, its run controls once drawn. */
async function panelFor(session: Partial<TrainingSession>) {
  const root = document.createElement('div');
  document.body.append(root);
  const run = { session: session as TrainingSession, stepsPerFrame: 8, stopBelowLoss: undefined } as unknown as RunController;
  render(runPanel(run, config, { onCommand: () => {}, onSetting: () => {} }), root);
  const controls = root.querySelector('gradflow-run-controls')!;
  await controls.updateComplete;
  return { root, controls: controls.shadowRoot! };
}

describe('the Run panel', () => {
  it("holds only what the transport and the Essentials panel do not: Stop, steps per frame, the stop rule", async () => {
    const { root, controls } = await panelFor({ status: 'running', canContinue: false, isSet: false, message: '' });
    expect([...controls.querySelectorAll('button')].map((button) => button.textContent!.trim())).toEqual(['Stop']);
    expect(controls.querySelector('[data-testid="play"]')).toBeNull();
    expect([...controls.querySelectorAll('input')].map((input) => input.id)).toEqual(['stepsPerFrame', 'stopBelowLoss']);
    expect(controls.querySelector<HTMLInputElement>('#stepsPerFrame')!.value).toBe('8');
    root.remove();
  });

  it('offers Stop while a run plays or is paused, not once it ended; says why it ended', async () => {
    const paused = await panelFor({ status: 'paused', canContinue: false, isSet: false, message: '' });
    expect(paused.controls.querySelector<HTMLButtonElement>('[data-testid="stop"]')!.disabled).toBe(false);
    paused.root.remove();
    const failed = await panelFor({ status: 'failed', canContinue: false, isSet: false, message: 'no adapter' });
    expect(failed.controls.querySelector<HTMLButtonElement>('[data-testid="stop"]')!.disabled).toBe(true);
    expect(failed.root.querySelector('[data-testid="run-message"]')!.textContent).toBe('no adapter');
    failed.root.remove();
  });
});
