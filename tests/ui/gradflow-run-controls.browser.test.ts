import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-run-controls';
import type { GradflowRunControls } from '../../src/ui/gradflow-run-controls';

async function mount(setup: (controls: GradflowRunControls) => void = () => {}): Promise<GradflowRunControls> {
  const controls = document.createElement('gradflow-run-controls');
  setup(controls);
  document.body.append(controls);
  await controls.updateComplete;
  return controls;
}

function collect(type: string): { details: unknown[]; stop(): void } {
  const details: unknown[] = [];
  const listener = (event: Event) => details.push((event as CustomEvent).detail);
  document.addEventListener(type, listener);
  return { details, stop: () => document.removeEventListener(type, listener) };
}

async function enter(controls: GradflowRunControls, id: string, value: string): Promise<void> {
  const input = controls.shadowRoot!.querySelector<HTMLInputElement>(`#${id}`)!;
  input.value = value;
  input.dispatchEvent(new Event('change'));
  await controls.updateComplete;
}

describe('<gradflow-run-controls>', () => {
  afterEach(() => document.querySelectorAll('gradflow-run-controls').forEach((element) => element.remove()));

  it('emits play/pause, step, rewind and stop commands, and disables commands without a run', async () => {
    const controls = await mount((c) => (c.ready = true));
    const commands = collect('run-command');
    const button = (name: string) => [...controls.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === name)!;
    button('Play').click();
    controls.playing = true;
    await controls.updateComplete;
    button('Pause').click();
    button('Step').click();
    button('Rewind').click();
    button('Stop').click();
    commands.stop();
    expect(commands.details).toEqual(['play', 'pause', 'step', 'rewind', 'stop'].map((command) => ({ command })));
    controls.ready = false;
    await controls.updateComplete;
    expect(button('Pause').disabled).toBe(true);
    expect(button('Rewind').disabled).toBe(false); // rewinding needs no live run
  });

  it('emits valid settings and shows invalid ones inline without emitting', async () => {
    const controls = await mount((c) => {
      c.sampleCount = 100;
      c.maxStepsPerFrame = 64;
    });
    const settings = collect('run-setting');
    await enter(controls, 'learningRate', '0.25');
    await enter(controls, 'batchSize', '');
    await enter(controls, 'stepsPerFrame', '16');
    await enter(controls, 'learningRate', '-1');
    await enter(controls, 'batchSize', '101');
    await enter(controls, 'stepsPerFrame', '2.5');
    settings.stop();
    expect(settings.details).toEqual([
      { name: 'learningRate', value: 0.25 },
      { name: 'batchSize', value: undefined },
      { name: 'stepsPerFrame', value: 16 },
    ]);
    const errors = [...controls.shadowRoot!.querySelectorAll('[role="alert"]')].map((e) => e.textContent);
    expect(errors).toEqual(['must be positive', 'at most 100', 'enter a whole number']);
    expect(controls.shadowRoot!.querySelector('#learningRate')!.getAttribute('aria-invalid')).toBe('true');
  });
});
