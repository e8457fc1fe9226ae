/**
 * The app's state in the URL, so a link reproduces a run: the preset, every changed config field as
 * a `set` parameter in the CLI's `--set path=value` form, the run set's sweep as `sweep` parameters
 * (`path=v1,v2,...`, one per swept path, in sweep order; `sweep=none` runs the preset without its
 * sweep), and the fields hidden from the editor (tutorials and embedding).
 * Example: ?preset=default&set=model.width=512&set=seed=7&sweep=model.scaling=ntk,mean-field&hide=optimizer
 */
import { applyOverrides } from '../config/schema';

export interface AppState {
  readonly preset: string;
  /** `path=value` overrides applied to the preset's config, in order. */
  readonly overrides: readonly string[];
  /** Config paths the editor does not show. */
  readonly hidden: readonly string[];
  /**
   * The sweep block as `path=v1,v2,...` (or `path=[json, ...]`), one per swept path; ['none'] removes the
   * preset's sweep. Absent: the preset's own sweep (if any).
   */
  readonly sweep?: readonly string[];
}

/** The sweep parameter that runs a preset without its sweep block. */
export const NO_SWEEP = 'none';

/** Config path -> the values it takes (the config's `sweep` block). */
export type SweepBlock = Record<string, unknown[]>;

/** A link's sweep parameter that cannot be read: says which one and how to write it. */
export class SweepLinkError extends Error {
  override name = 'SweepLinkError';
}

const SWEEP_FORM = 'write it as sweep=path=value1,value2,... (e.g. sweep=model.width=64,256,1024), or sweep=none';

export function encodeAppState(state: AppState): string {
  const params = new URLSearchParams();
  params.set('preset', state.preset);
  for (const override of state.overrides) params.append('set', override);
  for (const sweep of state.sweep ?? []) params.append('sweep', sweep);
  for (const path of state.hidden) params.append('hide', path);
  return `?${params.toString()}`;
}

/** Reads a query string; a missing preset is `fallbackPreset`. Values are checked later, by parseConfig (and parseSweepParams). */
export function decodeAppState(search: string, fallbackPreset: string): AppState {
  const params = new URLSearchParams(search);
  const sweep = params.getAll('sweep').filter((value) => value.length > 0);
  return {
    preset: params.get('preset') || fallbackPreset,
    overrides: params.getAll('set').filter((override) => override.length > 0),
    hidden: params.getAll('hide').flatMap((value) => value.split(',')).filter((path) => path.length > 0),
    ...(sweep.length > 0 ? { sweep } : {}),
  };
}

/** A value as applyOverrides reads it: JSON where it parses (64, 0.5, true), else the bare word (ntk). */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The sweep block of a link's `sweep` parameters: undefined for none given, null for `sweep=none`. Throws
 * SweepLinkError naming the parameter for a malformed one, an empty value, a path given twice or a value
 * listed twice (its members would be the same run).
 */
export function parseSweepParams(params: readonly string[] | undefined): SweepBlock | null | undefined {
  if (params === undefined || params.length === 0) return undefined;
  if (params.includes(NO_SWEEP)) {
    if (params.length > 1) throw new SweepLinkError(`sweep=${NO_SWEEP} in the link cannot be combined with other sweep parameters (${params.filter((p) => p !== NO_SWEEP).map((p) => `sweep=${p}`).join(', ')})`);
    return null;
  }
  const block: SweepBlock = {};
  for (const param of params) {
    const eq = param.indexOf('=');
    const path = param.slice(0, Math.max(eq, 0)).trim();
    if (eq <= 0 || path.length === 0) throw new SweepLinkError(`sweep=${param} in the link has no path=values: ${SWEEP_FORM}`);
    if (path === 'sweep' || path.startsWith('sweep.')) throw new SweepLinkError(`sweep=${param} in the link: a sweep cannot sweep itself; name a config field such as model.width`);
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(path)) throw new SweepLinkError(`sweep=${param} in the link: '${path}' is not a config path (dot-separated field names such as optimizer.learningRate)`);
    if (path in block) throw new SweepLinkError(`sweep ${path} is given twice in the link; give each swept path once, with all its values`);
    const text = param.slice(eq + 1).trim();
    let values: unknown[];
    if (text.startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new SweepLinkError(`sweep ${path} in the link: ${text} is not a JSON array; write the values as ${path}=v1,v2 or as ${path}=[v1, v2] in JSON`);
      }
      if (!Array.isArray(parsed)) throw new SweepLinkError(`sweep ${path} in the link: expected a JSON array, got ${text}`);
      values = parsed;
    } else {
      const items = text.split(',').map((item) => item.trim());
      const empty = items.findIndex((item) => item.length === 0);
      if (empty >= 0) throw new SweepLinkError(text.length === 0 ? `sweep ${path} in the link has no values: ${SWEEP_FORM}` : `sweep ${path} in the link: value ${empty + 1} of '${text}' is empty`);
      values = items.map(parseValue);
    }
    if (values.length === 0) throw new SweepLinkError(`sweep ${path} in the link has no values: ${SWEEP_FORM}`);
    const seen = new Set<string>();
    for (const value of values) {
      const key = JSON.stringify(value);
      if (seen.has(key)) throw new SweepLinkError(`sweep ${path} in the link lists ${key} twice: each value makes one member, so list it once`);
      seen.add(key);
    }
    block[path] = values;
  }
  return block;
}

/** One swept path as a link parameter: `path=v1,v2` (bare words and numbers), or `path=[...]` in JSON when a value needs it. */
function sweepParam(path: string, values: readonly unknown[]): string {
  const plain = values.every((value) => typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && /^[\w.+-]+$/.test(value) && typeof parseValue(value) === 'string'));
  return plain ? `${path}=${values.map(String).join(',')}` : `${path}=${JSON.stringify(values)}`;
}

/**
 * The sweep parameters that turn the preset's sweep block `base` into `changed`: undefined when they are the
 * same (the link says nothing), ['none'] when `changed` has none, else the whole block, path by path.
 */
export function sweepParamsBetween(base: unknown, changed: unknown): string[] | undefined {
  if (JSON.stringify(base) === JSON.stringify(changed)) return undefined;
  if (changed === undefined || changed === null) return [NO_SWEEP];
  if (!isRecord(changed)) throw new Error(`sweep must map config paths to lists of values, got ${JSON.stringify(changed)?.slice(0, 80)}`);
  return Object.entries(changed).map(([path, values]) => {
    if (!Array.isArray(values)) throw new Error(`sweep.${path} must be a list of values, got ${JSON.stringify(values)?.slice(0, 80)}`);
    return sweepParam(path, values);
  });
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
 * the top level cannot be expressed as overrides: they throw. The sweep block is not an override (its
 * paths hold dots): sweepParamsBetween encodes it.
 */
export function overridesBetween(base: Record<string, unknown>, changed: Record<string, unknown>): string[] {
  const { sweep: _baseSweep, ...baseFields } = base;
  const { sweep: _changedSweep, ...changedFields } = changed;
  for (const key of Object.keys(baseFields)) {
    if (!(key in changedFields)) throw new Error(`${key} was removed; only changed or added fields can be encoded in the URL`);
  }
  return sectionOverrides(baseFields, changedFields, '');
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

/**
 * The raw config of a state: the preset's config with the overrides applied, and the link's sweep (if it
 * gives one) in place of the preset's. Throws SweepLinkError for a malformed sweep; the rest is validated later.
 */
export function configOfState(presetConfig: object, state: Pick<AppState, 'overrides' | 'sweep'>): Record<string, unknown> {
  const raw = applyOverrides(presetConfig as Record<string, unknown>, state.overrides);
  const sweep = parseSweepParams(state.sweep);
  if (sweep === null) delete raw.sweep;
  else if (sweep !== undefined) raw.sweep = sweep;
  return raw;
}
