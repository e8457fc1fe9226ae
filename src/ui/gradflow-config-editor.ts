/**
 * <gradflow-config-editor>: a preset picker (name, summary, explanation) and a form of every config
 * field, generated from the zod schema, with parseConfig's validation messages beside their fields.
 *
 * Properties: config (the raw config object a user writes), hiddenFields (attribute hidden-fields,
 * comma-separated dotted paths such as "optimizer,data.teacher"; "preset" hides the picker), preset
 * (the selected preset's name), presets (default: PRESETS), folded (each group of the schema in a
 * closed <details>: the top-level fields as "run", then model, data, optimizer, metrics...; a group with a
 * problem opens). Read-only: errors, valid.
 * Events (bubbling, composed): config-change {config, valid, errors} after every edit (text and number
 * fields on commit: Enter or leaving the field), preset-select {name} when a preset is picked (then a
 * config-change with the preset's config).
 */
import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { configSchema } from '../config/schema';
import { PRESETS, type Preset } from '../experiments/presets';
import { describeFields, isHidden, ownerOf, setAt, switchVariant, validateConfig, type FieldError, type FieldNode } from './config-form';

export interface ConfigChangeDetail {
  /** The raw config, ready for parseConfig. */
  readonly config: Record<string, unknown>;
  readonly valid: boolean;
  readonly errors: readonly FieldError[];
}

export interface PresetSelectDetail {
  readonly name: string;
}

type GroupNode = FieldNode & { kind: 'group' };

const idOf = (path: string) => `field-${path.replace(/\./g, '-')}`;
const errorIdOf = (path: string) => `error-${path.replace(/\./g, '-')}`;
const show = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/** Reads `a, b.c` into ['a', 'b.c']. */
const commaList = {
  fromAttribute: (text: string | null) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  toAttribute: (list: readonly string[]) => list.join(','),
};

@customElement('gradflow-config-editor')
export class GradflowConfigEditor extends LitElement {
  static override styles = css`
    :host { display: block; font: 0.9rem/1.4 system-ui, sans-serif; container-type: inline-size; }
    form, .fields { display: grid; gap: 0.5rem; }
    fieldset { border: 1px solid color-mix(in srgb, currentColor 25%, transparent); border-radius: 6px; margin: 0; padding: 0.4rem 0.75rem 0.6rem; display: grid; gap: 0.4rem; min-width: 0; }
    legend { font-weight: 600; padding: 0 0.25rem; }
    .field { display: grid; grid-template-columns: minmax(7rem, 11rem) minmax(0, 1fr); align-items: center; gap: 0.2rem 0.75rem; }
    .field > .error, .field > .hint { grid-column: 1 / -1; }
    label { overflow-wrap: anywhere; }
    input, select, textarea { font: inherit; color: inherit; background: transparent; border: 1px solid color-mix(in srgb, currentColor 35%, transparent); border-radius: 4px; padding: 0.2rem 0.35rem; min-width: 0; }
    select option { color: initial; }
    textarea { font-family: ui-monospace, monospace; font-size: 0.85em; min-height: 2.2rem; resize: vertical; }
    input[type='checkbox'] { justify-self: start; }
    [aria-invalid='true'] { border-color: var(--gf-error-color, #c62828); }
    :focus-visible { outline: 2px solid var(--gf-focus-color, #2a7de1); outline-offset: 1px; }
    .error { color: var(--gf-error-color, light-dark(#b00020, #ff8a80)); margin: 0; font-size: 0.85em; white-space: pre-wrap; }
    .choices { display: flex; flex-wrap: wrap; gap: 0.15rem 0.9rem; }
    .choices label { display: inline-flex; gap: 0.3rem; align-items: center; }
    .toggle { display: inline-flex; gap: 0.4rem; align-items: center; }
    .preset p { margin: 0.25rem 0; }
    .summary { font-weight: 600; }
    .explanation { opacity: 0.85; }
    details.section { border: 1px solid color-mix(in srgb, currentColor 25%, transparent); border-radius: 6px; }
    details.section > summary { cursor: pointer; padding: 0.35rem 0.6rem; font-weight: 600; }
    details.section > summary .note { font-weight: 400; opacity: 0.75; }
    details.section > summary .count { font-weight: 400; color: var(--gf-error-color, light-dark(#b00020, #ff8a80)); }
    details.section > .fields { padding: 0 0.6rem 0.6rem; }
    /* The summary names the group: its fieldset needs no frame or visible legend of its own. */
    details.section > .fields > fieldset { border: none; padding: 0; }
    details.section > .fields > fieldset > legend { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
    @container (max-width: 28rem) { .field { grid-template-columns: minmax(0, 1fr); } }
  `;

  /** The raw config (the JSON a user writes; defaults left out). Replaced, never mutated, on each edit. */
  @property({ attribute: false }) config: Record<string, unknown> = {};
  /** Dotted field paths not shown (with everything inside them); 'preset' hides the preset picker. */
  @property({ attribute: 'hidden-fields', converter: commaList }) hiddenFields: string[] = [];
  /** Name of the selected preset ('' for none). */
  @property() preset = '';
  /** The presets the picker offers. */
  @property({ attribute: false }) presets: readonly Preset[] = PRESETS;
  /** Each group of the schema in a <details>, closed until opened or until it holds a problem. */
  @property({ type: Boolean }) folded = false;

  private validation: FieldError[] = [];
  /** JSON fields whose text does not parse: the text as typed, and the parse error, by path. */
  private drafts = new Map<string, { text: string; error: string }>();
  private editing = false;
  /** The folded sections open now (kept across renders: a section whose problem was fixed stays open). */
  private readonly openSections = new Set<string>();

  /** The problems of the current config: parseConfig's, then unparsable JSON fields. */
  get errors(): FieldError[] {
    return [...this.validation, ...[...this.drafts].map(([path, draft]) => ({ path, message: draft.error }))];
  }

  get valid(): boolean {
    return this.errors.length === 0;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // An outside assignment replaces the state: forget half-typed JSON and validate; emit() already validated its own.
    if (changed.has('config') && !this.editing) {
      this.drafts.clear();
      this.validation = validateConfig(this.config);
    }
    this.editing = false;
  }

  override render() {
    const root = describeFields(configSchema, this.config) as GroupNode;
    const errors = this.errors;
    const owned = new Map<string, FieldError[]>();
    const unplaced: FieldError[] = [];
    for (const error of errors) {
      const owner = ownerOf(root, error.path, this.hiddenFields);
      if (owner) owned.set(owner.path, [...(owned.get(owner.path) ?? []), error]);
      else unplaced.push(error);
    }
    return html`
      ${isHidden('preset', this.hiddenFields) ? nothing : this.renderPresetPicker()}
      ${unplaced.length > 0
        ? html`<div class="error" role="alert" data-testid="unplaced-errors">${unplaced.map((e) => html`<p class="error">${e.path ? `${e.path}: ` : ''}${e.message}</p>`)}</div>`
        : nothing}
      <form class="fields" @submit=${(event: Event) => event.preventDefault()} novalidate>
        ${this.folded ? this.renderSections(root, owned, errors) : root.children.map((child) => this.renderNode(child, owned))}
      </form>
    `;
  }

  /** The top-level fields as one "run" section, then a section per group; empty sections (all hidden) left out. */
  private renderSections(root: GroupNode, owned: Map<string, FieldError[]>, errors: readonly FieldError[]): TemplateResult[] {
    const visible = root.children.filter((child) => !isHidden(child.path, this.hiddenFields));
    const sections = [
      { key: 'run', note: 'steps, seed, backend, loss…', nodes: visible.filter((child) => child.kind !== 'group') },
      ...visible.filter((child) => child.kind === 'group').map((group) => ({ key: group.path, note: group.kind === 'group' && group.variant ? group.variant.current : '', nodes: [group] })),
    ].filter((section) => section.nodes.length > 0);
    return sections.map(({ key, note, nodes }) => {
      const problems = errors.filter((error) => nodes.some((node) => error.path === node.path || error.path.startsWith(`${node.path}.`))).length;
      const open = this.openSections.has(key) || problems > 0;
      return html`<details class="section" data-section=${key} ?open=${open}
          @toggle=${(event: Event) => ((event.target as HTMLDetailsElement).open ? this.openSections.add(key) : this.openSections.delete(key))}>
        <summary>${key}${note ? html` <span class="note">${note}</span>` : nothing}${problems > 0 ? html` <span class="count">(${problems} problem${problems === 1 ? '' : 's'})</span>` : nothing}</summary>
        <div class="fields">${nodes.map((node) => this.renderNode(node, owned))}</div>
      </details>`;
    });
  }

  private renderPresetPicker(): TemplateResult {
    const selected = this.presets.find((p) => p.name === this.preset);
    return html`
      <section class="preset" aria-label="preset">
        <div class="field">
          <label for="preset">preset</label>
          <select id="preset" @change=${(event: Event) => this.selectPreset((event.target as HTMLSelectElement).value)}>
            <option value="" ?selected=${!selected}>(custom)</option>
            ${this.presets.map((p) => html`<option value=${p.name} title=${p.summary} ?selected=${p === selected}>${p.name}</option>`)}
          </select>
        </div>
        ${selected
          ? html`<p class="summary" data-testid="preset-summary">${selected.summary}</p>
              <p class="explanation" data-testid="preset-explanation">${selected.explanation}</p>`
          : nothing}
      </section>
    `;
  }

  private renderNode(node: FieldNode, owned: Map<string, FieldError[]>): TemplateResult | typeof nothing {
    if (isHidden(node.path, this.hiddenFields)) return nothing;
    const errors = owned.get(node.path) ?? [];
    const invalid = errors.length > 0 ? 'true' : 'false';
    const id = idOf(node.path);
    const describedBy = errors.length > 0 ? errorIdOf(node.path) : nothing;
    const messages = errors.length > 0
      ? html`<div class="error" id=${errorIdOf(node.path)} data-error-for=${node.path}>${errors.map((e) => html`<p class="error">${e.path || node.path}: ${e.message}</p>`)}</div>`
      : nothing;
    const placeholder = node.defaultValue === undefined ? (node.optional ? 'unset' : 'required') : `default ${show(node.defaultValue)}`;
    switch (node.kind) {
      case 'group':
        return this.renderGroup(node, owned, messages, invalid);
      case 'number':
        return html`<div class="field" data-path=${node.path}>
          <label for=${id}>${node.key}</label>
          <input id=${id} type="number" .value=${show(node.value)} placeholder=${placeholder} min=${node.min ?? nothing} max=${node.max ?? nothing}
            step=${node.integer ? '1' : 'any'} aria-invalid=${invalid} aria-describedby=${describedBy}
            @change=${(event: Event) => {
              const text = (event.target as HTMLInputElement).value.trim();
              this.edit(node.path, text === '' ? undefined : Number(text));
            }} />
          ${messages}
        </div>`;
      case 'boolean':
        return html`<div class="field" data-path=${node.path}>
          <label for=${id}>${node.key}</label>
          <input id=${id} type="checkbox" .checked=${Boolean(node.value ?? node.defaultValue)} aria-invalid=${invalid} aria-describedby=${describedBy}
            @change=${(event: Event) => this.edit(node.path, (event.target as HTMLInputElement).checked)} />
          ${messages}
        </div>`;
      case 'string':
        return html`<div class="field" data-path=${node.path}>
          <label for=${id}>${node.key}</label>
          <input id=${id} type="text" .value=${show(node.value)} placeholder=${placeholder} aria-invalid=${invalid} aria-describedby=${describedBy}
            @change=${(event: Event) => {
              const text = (event.target as HTMLInputElement).value;
              this.edit(node.path, text === '' ? undefined : text);
            }} />
          ${messages}
        </div>`;
      case 'enum': {
        const blank = node.defaultValue !== undefined ? `default (${show(node.defaultValue)})` : node.optional ? '(unset)' : undefined;
        return html`<div class="field" data-path=${node.path}>
          <label for=${id}>${node.key}</label>
          <select id=${id} aria-invalid=${invalid} aria-describedby=${describedBy}
            @change=${(event: Event) => {
              const choice = (event.target as HTMLSelectElement).value;
              this.edit(node.path, choice === '' ? undefined : choice);
            }}>
            ${blank !== undefined ? html`<option value="" ?selected=${node.value === undefined}>${blank}</option>` : nothing}
            ${node.options.map((option) => html`<option value=${option} ?selected=${node.value === option}>${option}</option>`)}
          </select>
          ${messages}
        </div>`;
      }
      case 'enum-list': {
        const current = Array.isArray(node.value) ? (node.value as unknown[]) : Array.isArray(node.defaultValue) ? (node.defaultValue as unknown[]) : [];
        return html`<fieldset data-path=${node.path} aria-invalid=${invalid} aria-describedby=${describedBy}>
          <legend>${node.key}</legend>
          <div class="choices">
            ${node.options.map((option) => html`<label>
              <input type="checkbox" id=${`${id}-${option}`} .checked=${current.includes(option)}
                @change=${(event: Event) => {
                  const on = (event.target as HTMLInputElement).checked;
                  this.edit(node.path, on ? [...current.filter((v) => v !== option), option] : current.filter((v) => v !== option));
                }} />${option}</label>`)}
          </div>
          ${messages}
        </fieldset>`;
      }
      case 'json': {
        const draft = this.drafts.get(node.path);
        return html`<div class="field" data-path=${node.path}>
          <label for=${id}>${node.key} <small>(JSON)</small></label>
          <textarea id=${id} rows="1" spellcheck="false" .value=${draft?.text ?? show(node.value)} placeholder=${placeholder}
            aria-invalid=${invalid} aria-describedby=${describedBy}
            @change=${(event: Event) => this.editJson(node.path, (event.target as HTMLTextAreaElement).value)}></textarea>
          ${messages}
        </div>`;
      }
    }
  }

  private renderGroup(node: GroupNode, owned: Map<string, FieldError[]>, messages: TemplateResult | typeof nothing, invalid: string): TemplateResult {
    const id = idOf(node.path);
    const toggle = node.optional
      ? html`<label class="toggle"><input type="checkbox" id=${`${id}-present`} .checked=${node.present}
            @change=${(event: Event) => this.toggleSection(node, (event.target as HTMLInputElement).checked)} />set ${node.key}</label>`
      : nothing;
    // Written without its kind (the model's kind may be left out; data's may not): say so rather than pretend.
    const unwritten = node.variant !== undefined && node.value !== null && typeof node.value === 'object' && !(node.variant.key in node.value);
    const variant = node.variant && node.present
      ? html`<div class="field">
          <label for=${`${id}-${node.variant.key}`}>${node.variant.key}</label>
          <select id=${`${id}-${node.variant.key}`} aria-invalid=${invalid}
            @change=${(event: Event) => {
              const choice = (event.target as HTMLSelectElement).value;
              if (choice !== '') this.emit(switchVariant(this.config, node, choice, configSchema));
            }}>
            ${unwritten ? html`<option value="" selected>(not set: ${node.variant.current})</option>` : nothing}
            ${node.variant.options.map((option) => html`<option value=${option} ?selected=${!unwritten && option === node.variant!.current}>${option}</option>`)}
          </select>
        </div>`
      : nothing;
    return html`<fieldset data-path=${node.path} id=${id}>
      <legend>${node.key}</legend>
      ${toggle} ${variant} ${messages}
      ${node.children.map((child) => this.renderNode(child, owned))}
    </fieldset>`;
  }

  private toggleSection(node: GroupNode, on: boolean): void {
    const initial = node.variant ? { [node.variant.key]: node.variant.options[0] } : {};
    this.edit(node.path, on ? initial : undefined);
  }

  private edit(path: string, value: unknown): void {
    this.drafts.delete(path);
    this.emit(setAt(this.config, path, value));
  }

  private editJson(path: string, text: string): void {
    if (text.trim() === '') {
      this.edit(path, undefined);
      return;
    }
    try {
      this.edit(path, JSON.parse(text));
    } catch (error) {
      this.drafts.set(path, { text, error: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` });
      this.emit(this.config);
    }
  }

  /** Takes `config` as the new state and announces it with its validation. */
  private emit(config: Record<string, unknown>): void {
    this.editing = true;
    this.config = config;
    this.validation = validateConfig(config);
    this.requestUpdate();
    const errors = this.errors;
    this.dispatchEvent(new CustomEvent<ConfigChangeDetail>('config-change', { detail: { config, valid: errors.length === 0, errors }, bubbles: true, composed: true }));
  }

  private selectPreset(name: string): void {
    this.preset = name;
    const preset = this.presets.find((p) => p.name === name);
    this.dispatchEvent(new CustomEvent<PresetSelectDetail>('preset-select', { detail: { name }, bubbles: true, composed: true }));
    if (preset) {
      this.drafts.clear();
      this.emit(structuredClone(preset.config) as Record<string, unknown>);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradflow-config-editor': GradflowConfigEditor;
  }
  interface HTMLElementEventMap {
    'config-change': CustomEvent<ConfigChangeDetail>;
    'preset-select': CustomEvent<PresetSelectDetail>;
  }
}
