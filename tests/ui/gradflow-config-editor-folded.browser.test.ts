import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-config-editor';
import type { GradflowConfigEditor } from '../../src/ui/gradflow-config-editor';

async function mount(config: Record<string, unknown>): Promise<GradflowConfigEditor> {
  const editor = document.createElement('gradflow-config-editor');
  editor.config = config;
  editor.folded = true;
  editor.hiddenFields = ['preset'];
  document.body.append(editor);
  await editor.updateComplete;
  return editor;
}

const sections = (editor: GradflowConfigEditor) => [...editor.shadowRoot!.querySelectorAll<HTMLDetailsElement>('details[data-section]')];
const section = (editor: GradflowConfigEditor, key: string) => editor.shadowRoot!.querySelector<HTMLDetailsElement>(`details[data-section="${key}"]`)!;
/** The toggle event of a <details> comes a task after its open attribute changes. */
const toggled = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('<gradflow-config-editor folded>', () => {
  afterEach(() => document.querySelectorAll('gradflow-config-editor').forEach((editor) => editor.remove()));

  it('folds the form into a closed section per group of the schema, the top-level fields as "run"', async () => {
    const editor = await mount({ model: { width: 64 } });
    expect(sections(editor).map((details) => details.dataset.section)).toEqual(['run', 'model', 'data', 'optimizer', 'metrics', 'kernels']);
    expect(sections(editor).every((details) => !details.open)).toBe(true);
    expect(section(editor, 'run').querySelector('#field-steps')).not.toBeNull();
    expect(section(editor, 'model').querySelector('#field-model-width')).not.toBeNull();
    expect(section(editor, 'data').querySelector('summary')!.textContent).toContain('teacher-student');
  });

  it('opens a section with a problem, counts its problems, and keeps it open once the problem is fixed', async () => {
    const editor = await mount({ model: { width: 64 } });
    editor.config = { model: { width: -5 } };
    await editor.updateComplete;
    await toggled();
    expect(section(editor, 'model').open).toBe(true);
    expect(section(editor, 'model').querySelector('summary')!.textContent).toContain('(1 problem)');
    expect(section(editor, 'data').open).toBe(false);
    editor.config = { model: { width: 64 } };
    await editor.updateComplete;
    expect(section(editor, 'model').open).toBe(true);
    expect(section(editor, 'model').querySelector('summary')!.textContent).not.toContain('problem');
  });
});
