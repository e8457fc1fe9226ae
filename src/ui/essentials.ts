/**
 * The essentials: the few settings a newcomer changes first (TensorFlow Playground's learning rate, network
 * width, batch size, data, plus the scaling and the length of the run), each a path of the raw config. The
 * rest of the config stays in the folded form. Pure functions over the raw config, so the panel that
 * renders them (src/ui/app-sections/essentials-panel.ts) holds no state of its own: a typed value lives in
 * the raw config, valid or not, until it is fixed.
 */
import { configSchema } from '../config/schema';
import { describeFields, findNode, isHidden, setAt, switchVariant, type FieldError, type FieldNode } from './config-form';
import type { RawConfig } from './controllers/config-controller';

/** An essential setting: its config path and the label the panel shows. */
export interface Essential {
  readonly path: string;
  readonly label: string;
}

/** In the order a newcomer reaches for them. `data` is the data section's kind. */
export const ESSENTIALS: readonly Essential[] = [
  { path: 'optimizer.learningRate', label: 'learning rate' },
  { path: 'model.width', label: 'width (neurons)' },
  { path: 'optimizer.batchSize', label: 'batch size' },
  { path: 'data', label: 'data' },
  { path: 'model.scaling', label: 'scaling' },
  { path: 'steps', label: 'steps' },
];

/** The settings a run takes without starting again: applied to the run as it trains. */
export const LIVE_ESSENTIALS: readonly string[] = ['optimizer.learningRate', 'optimizer.batchSize'];

/** An essential as the panel draws it: a text field or a choice, its current text, and its problem. */
export interface EssentialField extends Essential {
  readonly kind: 'number' | 'choice';
  /** The raw value as text ('' when not written: the placeholder then says what applies). */
  readonly text: string;
  readonly placeholder: string;
  readonly options: readonly string[];
  /** parseConfig's messages for this path, joined; '' when it is valid. */
  readonly problem: string;
}

const textOf = (value: unknown) => (value === undefined ? '' : String(value));

/**
 * The essentials that apply to `raw` (a landscape model has no width, scaling or data), less the hidden ones,
 * each with its current text and problems.
 */
export function essentialFields(raw: RawConfig, hidden: readonly string[], errors: readonly FieldError[]): EssentialField[] {
  const root = describeFields(configSchema, raw);
  const fields: EssentialField[] = [];
  // A landscape's particles have their own rate (model.spec.learningRate) and no data or minibatches: the
  // optimizer and data essentials would edit fields its run never reads.
  const landscape = (raw.model as { kind?: unknown } | undefined)?.kind === 'landscape';
  for (const essential of ESSENTIALS) {
    const node = findNode(root, essential.path);
    if (!node || isHidden(essential.path, hidden)) continue;
    if (landscape && (essential.path === 'data' || essential.path.startsWith('optimizer.'))) continue;
    const problem = errors.filter((error) => error.path === essential.path || error.path.startsWith(`${essential.path}.`)).map((error) => error.message).join('; ');
    const field = fieldOf(essential, node, problem);
    if (field) fields.push(field);
  }
  return fields;
}

function fieldOf(essential: Essential, node: FieldNode, problem: string): EssentialField | undefined {
  const base = { ...essential, problem };
  switch (node.kind) {
    case 'number':
    // A bad value written in the link ('abc') is a string where a number belongs: shown as typed.
    case 'string':
    case 'json':
      return { ...base, kind: 'number', text: textOf(node.value), placeholder: node.defaultValue === undefined ? (essential.path === 'optimizer.batchSize' ? 'full batch' : '') : `${textOf(node.defaultValue)}`, options: [] };
    case 'enum':
      return { ...base, kind: 'choice', text: textOf(node.value ?? node.defaultValue), placeholder: '', options: node.options };
    case 'group': {
      if (!node.variant) return undefined;
      const { current, options } = node.variant;
      // A CSV needs a file: it is chosen by uploading one (Data and files), not from this list.
      return { ...base, kind: 'choice', text: current, placeholder: '', options: options.filter((option) => option !== 'csv' || option === current) };
    }
    default:
      return undefined;
  }
}

/**
 * `raw` with the essential at `path` set from the text typed or chosen: '' removes it (its default applies),
 * a number is stored as one, anything else as typed (parseConfig then names it); a new data kind keeps the
 * data fields the new kind also has.
 */
export function withEssential(raw: RawConfig, path: string, text: string): RawConfig {
  const trimmed = text.trim();
  const root = describeFields(configSchema, raw);
  const node = findNode(root, path);
  if (node?.kind === 'group' && node.variant) return switchVariant(raw, node, trimmed, configSchema);
  if (trimmed === '') return setAt(raw, path, undefined);
  if (node?.kind === 'enum') return setAt(raw, path, trimmed);
  const number = Number(trimmed);
  return setAt(raw, path, Number.isFinite(number) ? number : trimmed);
}

/** The number typed for a live setting, undefined for '' (batch size: full batch), or NaN when it is no number. */
export function liveValueOf(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : Number(trimmed);
}
