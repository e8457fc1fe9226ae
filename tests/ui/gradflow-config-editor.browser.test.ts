import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-config-editor';
import type { ConfigChangeDetail, GradflowConfigEditor } from '../../src/ui/gradflow-config-editor';
import { parseConfig } from '../../src/config/schema';
import { PRESETS } from '../../src/experiments/presets';

async function mount(config: Record<string, unknown>, setup: (editor: GradflowConfigEditor) => void = () => {}): Promise<GradflowConfigEditor> {
  const editor = document.createElement('gradflow-config-editor');
  editor.config = config;
  setup(editor);
  document.body.append(editor);
  await editor.updateComplete;
  return editor;
}

const $ = <T extends Element>(editor: GradflowConfigEditor, selector: string) => editor.shadowRoot!.querySelector<T>(selector);

/** Types `value` into a control and commits it (the change event a user's Enter or blur fires), returning the config-change detail. */
async function commit(editor: GradflowConfigEditor, selector: string, value: string | boolean): Promise<ConfigChangeDetail> {
  const control = $<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(editor, selector);
  expect(control, selector).not.toBeNull();
  const details: ConfigChangeDetail[] = [];
  const listener = (event: Event) => details.push((event as CustomEvent<ConfigChangeDetail>).detail);
  document.addEventListener('config-change', listener);
  if (typeof value === 'boolean') (control as HTMLInputElement).checked = value;
  else control!.value = value;
  control!.dispatchEvent(new Event('change', { bubbles: true }));
  document.removeEventListener('config-change', listener);
  await editor.updateComplete;
  expect(details).toHaveLength(1);
  return details[0]!;
}

describe('<gradflow-config-editor>', () => {
  afterEach(() => document.querySelectorAll('gradflow-config-editor').forEach((editor) => editor.remove()));

  it('shows an inline error naming model.width when it is set to 0, and reports valid false', async () => {
    const editor = await mount({ model: { width: 64 } });
    expect(editor.valid).toBe(true);
    const detail = await commit(editor, '#field-model-width', '0');
    expect(detail.valid).toBe(false);
    expect(detail.config).toEqual({ model: { width: 0 } });
    expect(detail.errors.map((e) => e.path)).toEqual(['model.width']);
    const error = $(editor, '[data-error-for="model.width"]')!;
    expect(error.textContent).toContain('model.width');
    expect(error.textContent).toContain('got 0');
    // The message sits beside its field and is announced with it.
    expect(error.closest('[data-path="model.width"]')).not.toBeNull();
    const input = $<HTMLInputElement>(editor, '#field-model-width')!;
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe(error.id);
  });

  it('emits the raw config ready for parseConfig after a valid edit, and clears the error', async () => {
    const editor = await mount({ model: { width: 0 } });
    expect($(editor, '[data-error-for="model.width"]')).not.toBeNull();
    const detail = await commit(editor, '#field-model-width', '128');
    expect(detail).toEqual({ config: { model: { width: 128 } }, valid: true, errors: [] });
    expect(parseConfig(detail.config).model).toMatchObject({ kind: 'two-layer', width: 128 });
    expect($(editor, '[data-error-for="model.width"]')).toBeNull();
    // Emptying a field returns it to its default (the key leaves the raw config).
    expect((await commit(editor, '#field-model-width', '')).config).toEqual({ model: {} });
    // Selects, checkboxes and enum lists write their values.
    expect((await commit(editor, '#field-model-scaling', 'ntk')).config).toEqual({ model: { scaling: 'ntk' } });
    expect((await commit(editor, '#field-online', true)).config).toMatchObject({ online: true });
    const names = await commit(editor, '#field-metrics-names-sharpness', true);
    expect(names.config.metrics).toEqual({ names: ['loss', 'sharpness'] });
    expect(names.valid).toBe(true);
  });

  it('leaves hidden fields out, by property and by attribute', async () => {
    const editor = await mount({}, (e) => (e.hiddenFields = ['optimizer', 'data.teacher']));
    const paths = [...editor.shadowRoot!.querySelectorAll('[data-path]')].map((node) => node.getAttribute('data-path')!);
    expect(paths).toContain('data.sampleCount');
    expect(paths).toContain('model.width');
    expect(paths.filter((p) => p === 'optimizer' || p.startsWith('optimizer.') || p.startsWith('data.teacher'))).toEqual([]);
    expect($(editor, '#field-optimizer-learningRate')).toBeNull();
    expect($(editor, '#preset')).not.toBeNull();

    const embedded = document.createElement('gradflow-config-editor');
    embedded.setAttribute('hidden-fields', 'preset, model.width');
    document.body.append(embedded);
    await embedded.updateComplete;
    expect(embedded.hiddenFields).toEqual(['preset', 'model.width']);
    expect($(embedded, '#preset')).toBeNull();
    expect($(embedded, '#field-model-width')).toBeNull();
    expect($(embedded, '#field-model-scaling')).not.toBeNull();
  });

  it('emits preset-select and shows the picked preset\'s explanation and config', async () => {
    const editor = await mount({});
    const preset = PRESETS[1]!;
    const picked: string[] = [];
    editor.addEventListener('preset-select', (event) => picked.push(event.detail.name));
    const detail = await commit(editor, '#preset', preset.name);
    expect(picked).toEqual([preset.name]);
    expect(editor.preset).toBe(preset.name);
    expect(detail.config).toEqual(preset.config);
    expect(detail.valid).toBe(true);
    expect($(editor, '[data-testid=preset-explanation]')!.textContent).toBe(preset.explanation);
    expect($(editor, '[data-testid=preset-summary]')!.textContent).toBe(preset.summary);
  });

  it('labels every control and keeps each one keyboard reachable', async () => {
    const editor = await mount(structuredClone(PRESETS[0]!.config) as Record<string, unknown>);
    const controls = [...editor.shadowRoot!.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')];
    expect(controls.length).toBeGreaterThan(30);
    for (const control of controls) {
      expect(control.labels?.length ?? 0, control.id).toBeGreaterThan(0);
      expect(control.labels![0]!.textContent!.trim().length, control.id).toBeGreaterThan(0);
      expect(control.tabIndex, control.id).toBe(0);
      expect(control.disabled, control.id).toBe(false);
    }
  });

  it('edits unions by kind, optional sections by a toggle, and rare fields as JSON', async () => {
    const editor = await mount({ data: { kind: 'teacher-student', sampleCount: 64, teacher: { kind: 'random', width: 2 } } });
    // A new data kind keeps the fields it shares with the old one.
    const switched = await commit(editor, '#field-data-kind', 'linear-separable');
    expect(switched.config).toEqual({ data: { kind: 'linear-separable', sampleCount: 64 } });
    expect($(editor, '#field-data-margin')).not.toBeNull();
    expect($(editor, '#field-data-teacher')).toBeNull();

    // Switching on JKO shows its missing required fields inline.
    const jko = await commit(editor, '#field-optimizer-jko-present', true);
    expect(jko.valid).toBe(false);
    expect(jko.errors.map((e) => e.path).sort()).toEqual(['optimizer.jko.innerLearningRate', 'optimizer.jko.tau']);
    expect($(editor, '[data-error-for="optimizer.jko.tau"]')!.textContent).toContain('optimizer.jko.tau');
    expect((await commit(editor, '#field-optimizer-jko-present', false)).valid).toBe(true);

    // A bare optimizer rule name becomes an object when a field beside its kind is edited.
    editor.config = { optimizer: { rule: 'momentum' } };
    await editor.updateComplete;
    expect($<HTMLSelectElement>(editor, '#field-optimizer-rule-kind')!.value).toBe('momentum');
    expect((await commit(editor, '#field-optimizer-rule-beta', '0.5')).config).toEqual({ optimizer: { rule: { kind: 'momentum', beta: 0.5 } } });

    // JSON text that does not parse is an inline error; the config keeps its last good value.
    editor.config = { data: { kind: 'teacher-student', teacher: { kind: 'random', width: 2 } } };
    await editor.updateComplete;
    const bad = await commit(editor, '#field-data-teacher-outputWeights', '[1,');
    expect(bad.valid).toBe(false);
    expect(bad.errors[0]!.path).toBe('data.teacher.outputWeights');
    expect($(editor, '[data-error-for="data.teacher.outputWeights"]')!.textContent).toContain('not valid JSON');
    const good = await commit(editor, '#field-data-teacher-outputWeights', '[1, -1]');
    expect(good).toEqual({ config: { data: { kind: 'teacher-student', teacher: { kind: 'random', width: 2, outputWeights: [1, -1] } } }, valid: true, errors: [] });
    expect($(editor, '[data-error-for="data.teacher.outputWeights"]')).toBeNull();

    // A section written without its kind says so, and picking one writes it.
    editor.config = { data: { sampleCount: 32 } };
    await editor.updateComplete;
    expect($(editor, '[data-error-for="data"]')!.textContent).toContain('data.kind');
    expect($<HTMLSelectElement>(editor, '#field-data-kind')!.value).toBe('');
    expect((await commit(editor, '#field-data-kind', 'xor')).config).toEqual({ data: { kind: 'xor', sampleCount: 32 } });
  });
});
