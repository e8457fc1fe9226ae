/**
 * The "Essentials" panel: the preset and the few settings of src/ui/essentials.ts, at most ten controls, so a
 * newcomer sees what to change first. A field shows the raw config's value, valid or not (a typed -5 stays
 * until it is fixed), marked invalid with parseConfig's message; the banner at the top says it too.
 */
import { html, nothing } from 'lit';
import type { Preset } from '../../experiments/preset';
import type { EssentialField } from '../essentials';

export interface EssentialsPanel {
  readonly presets: readonly Preset[];
  /** The link's preset (its name). */
  readonly preset: string;
  /** Hide the preset picker (the link hides it). */
  readonly hidePreset: boolean;
  readonly fields: readonly EssentialField[];
  /** A run set's member count (its learning rate and batch size act on every member); undefined for a single run. */
  readonly memberCount: number | undefined;
  readonly onPreset: (name: string) => void;
  /** An essential's new text, committed (Enter, leaving the field, a choice). */
  readonly onEdit: (path: string, text: string) => void;
}

const idOf = (path: string) => `essential-${path.replace(/\./g, '-')}`;

/** The panel: the preset picker, the essential fields, a run set's note and the preset's explanation (folded). */
export function essentialsPanel({ presets, preset, hidePreset, fields, memberCount, onPreset, onEdit }: EssentialsPanel) {
  const selected = presets.find((p) => p.name === preset);
  return html`<section class="panel essentials" data-testid="essentials" aria-labelledby="essentials-title">
      <h2 id="essentials-title">Essentials</h2>
      <div class="essential-fields">
        ${hidePreset ? nothing : html`<label for="essential-preset">preset</label>
          <select id="essential-preset" data-testid="essential-preset" @change=${(e: Event) => onPreset((e.target as HTMLSelectElement).value)}>
            ${presets.map((p) => html`<option value=${p.name} title=${p.summary} ?selected=${p === selected}>${p.name}</option>`)}
          </select>`}
        ${fields.map((field) => essentialField(field, onEdit))}
      </div>
      ${memberCount !== undefined ? html`<p class="muted" data-testid="essentials-set-note">A run set of ${memberCount}: a new learning rate goes to the first member, the others keep their ratio to it; a new batch size restarts the set.</p>` : nothing}
      ${selected && !hidePreset ? html`<details class="about"><summary>About this preset</summary><p data-testid="preset-explanation">${selected.explanation}</p></details>` : nothing}
    </section>`;
}

function essentialField(field: EssentialField, onEdit: EssentialsPanel['onEdit']) {
  const id = idOf(field.path);
  const invalid = field.problem ? 'true' : 'false';
  const commit = (event: Event) => onEdit(field.path, (event.target as HTMLInputElement | HTMLSelectElement).value);
  const control = field.kind === 'choice'
    ? html`<select id=${id} data-testid=${id} aria-invalid=${invalid} @change=${commit}>
        ${field.options.map((option) => html`<option value=${option} ?selected=${option === field.text}>${option}</option>`)}
      </select>`
    // Text, not type=number: a number input empties itself on 'abc' and would hide what was typed.
    : html`<input id=${id} data-testid=${id} inputmode="decimal" autocomplete="off" .value=${field.text} placeholder=${field.placeholder}
        aria-invalid=${invalid} aria-describedby=${field.problem ? `${id}-problem` : nothing} @change=${commit} />`;
  return html`<label for=${id}>${field.label}</label>${control}
    ${field.problem ? html`<span class="field-problem" id=${`${id}-problem`}>${field.problem}</span>` : nothing}`;
}
