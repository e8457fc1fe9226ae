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

  it('emits Stop, disabled without a run to stop, and holds none of the transport\'s or the Essentials panel\'s controls', async () => {
    const controls = await mount((c) => (c.ready = true));
    const commands = collect('run-command');
    const buttons = [...controls.shadowRoot!.querySelectorAll('button')];
    expect(buttons.map((b) => b.textContent!.trim())).toEqual(['Stop']);
    buttons[0]!.click();
    commands.stop();
    expect(commands.details).toEqual([{ command: 'stop' }]);
    expect([...controls.shadowRoot!.querySelectorAll('input')].map((input) => input.id)).toEqual(['stepsPerFrame', 'stopBelowLoss']);
    controls.ready = false;
    await controls.updateComplete;
    expect(buttons[0]!.disabled).toBe(true);
  });

  it('emits valid settings and shows invalid ones inline without emitting', async () => {
    const controls = await mount((c) => (c.maxStepsPerFrame = 64));
    const settings = collect('run-setting');
    await enter(controls, 'stepsPerFrame', '16');
    await enter(controls, 'stopBelowLoss', '0.001');
    await enter(controls, 'stopBelowLoss', '');
    await enter(controls, 'stepsPerFrame', '65');
    await enter(controls, 'stopBelowLoss', '-1');
    settings.stop();
    expect(settings.details).toEqual([
      { name: 'stepsPerFrame', value: 16 },
      { name: 'stopBelowLoss', value: 0.001 },
      { name: 'stopBelowLoss', value: undefined },
    ]);
    let errors = [...controls.shadowRoot!.querySelectorAll('[role="alert"]')].map((e) => e.textContent);
    expect(errors).toEqual(['at most 64', 'must be positive']);
    expect(controls.shadowRoot!.querySelector('#stepsPerFrame')!.getAttribute('aria-invalid')).toBe('true');
    await enter(controls, 'stepsPerFrame', '2.5');
    errors = [...controls.shadowRoot!.querySelectorAll('[role="alert"]')].map((e) => e.textContent);
    expect(errors).toEqual(['enter a whole number', 'must be positive']);
  });
});
