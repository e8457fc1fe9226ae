/**
 * The app's state in the URL, so a link reproduces a run: the preset, every changed config field as
 * a `set` parameter in the CLI's `--set path=value` form, and the fields hidden from the editor
 * (tutorials and embedding). Example: ?preset=default&set=model.width=512&set=seed=7&hide=optimizer
 */
import { applyOverrides } from '../config/schema';

export interface AppState {
  readonly preset: string;
  /** `path=value` overrides applied to the preset's config, in order. */
  readonly overrides: readonly string[];
  /** Config paths the editor does not show. */
  readonly hidden: readonly string[];
}

export function encodeAppState(state: AppState): string {
  const params = new URLSearchParams();
  params.set('preset', state.preset);
  for (const override of state.overrides) params.append('set', override);
  for (const path of state.hidden) params.append('hide', path);
  return `?${params.toString()}`;
}

/** Reads a query string; a missing preset is `fallbackPreset`. Values are checked later, by parseConfig. */
export function decodeAppState(search: string, fallbackPreset: string): AppState {
  const params = new URLSearchParams(search);
  return {
    preset: params.get('preset') || fallbackPreset,
    overrides: params.getAll('set').filter((override) => override.length > 0),
    hidden: params.getAll('hide').flatMap((value) => value.split(',')).filter((path) => path.length > 0),
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A value as applyOverrides reads it back: bare words stay bare (ntk), anything JSON-like is JSON. */
function overrideValue(value: unknown): string {
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value);
}

/**
 * The overrides that turn `base` into `changed`: leaf by leaf; arrays, values that change type and
 * sections that lose a field (a data kind replaced by another) are replaced whole. Fields removed at
 * the top level cannot be expressed as overrides: they throw.
 */
export function overridesBetween(base: Record<string, unknown>, changed: Record<string, unknown>): string[] {
  for (const key of Object.keys(base)) {
    if (!(key in changed)) throw new Error(`${key} was removed; only changed or added fields can be encoded in the URL`);
  }
  return sectionOverrides(base, changed, '');
}

function sectionOverrides(base: Record<string, unknown>, changed: Record<string, unknown>, prefix: string): string[] {
  const overrides: string[] = [];
  for (const [key, value] of Object.entries(changed)) {
    const path = `${prefix}${key}`;
    const old = base[key];
    if (isRecord(value) && isRecord(old)) {
      const lostField = Object.keys(old).some((field) => !(field in value));
      overrides.push(...(lostField ? [`${path}=${JSON.stringify(value)}`] : sectionOverrides(old, value, `${path}.`)));
    } else if (JSON.stringify(value) !== JSON.stringify(old)) overrides.push(`${path}=${overrideValue(value)}`);
  }
  return overrides;
}

/** The raw config of a state: the preset's config with the overrides applied (validated later). */
export function configOfState(presetConfig: object, state: Pick<AppState, 'overrides'>): Record<string, unknown> {
  return applyOverrides(presetConfig as Record<string, unknown>, state.overrides);
}
