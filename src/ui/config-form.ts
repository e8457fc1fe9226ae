/**
 * The editable fields of a config, generated from its zod schema (zod 4's `def`): numbers, booleans,
 * enums, strings, enum lists, nested objects as groups, discriminated unions as a group with a `kind`
 * select, and anything rarer (arrays of numbers, plain unions, records) as JSON. Pure functions, so the
 * form's structure is testable without a DOM; <gradflow-config-editor> renders it.
 */
import type { z } from 'zod';
import { ConfigError } from '../config/errors';
import { parseConfig } from '../config/schema';

/** What every node knows: its dotted path in the raw config, the key it sits under, and its state. */
interface FieldBase {
  /** Dotted path in the raw config, e.g. 'model.width' ('' for the root). */
  readonly path: string;
  readonly key: string;
  /** The raw value the user wrote there (undefined: not written). */
  readonly value: unknown;
  /** The value the schema fills in when none is written. */
  readonly defaultValue: unknown;
  /** May be left out without a default (the field is then absent from the run). */
  readonly optional: boolean;
}

export type FieldNode =
  | (FieldBase & { readonly kind: 'number'; readonly integer: boolean; readonly min?: number; readonly max?: number })
  | (FieldBase & { readonly kind: 'boolean' })
  | (FieldBase & { readonly kind: 'string' })
  | (FieldBase & { readonly kind: 'enum'; readonly options: readonly string[] })
  | (FieldBase & { readonly kind: 'enum-list'; readonly options: readonly string[] })
  | (FieldBase & { readonly kind: 'json' })
  | (FieldBase & {
      readonly kind: 'group';
      /** False for an optional section the user has not written (its children are then empty). */
      readonly present: boolean;
      /** For a discriminated union: the discriminator key, its choices and the current choice. */
      readonly variant?: { readonly key: string; readonly options: readonly string[]; readonly current: string };
      readonly children: readonly FieldNode[];
    });

/** One validation problem, at the dotted path parseConfig names ('' for the top level). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** zod 4's internal definition, as much of it as this module reads. */
interface Def {
  readonly type: string;
  readonly innerType?: ZodNode;
  readonly defaultValue?: unknown;
  readonly in?: ZodNode;
  readonly out?: ZodNode;
  readonly shape?: Record<string, ZodNode>;
  readonly options?: readonly ZodNode[];
  readonly discriminator?: string;
  readonly entries?: Record<string, string | number>;
  readonly element?: ZodNode;
  readonly values?: readonly unknown[];
}
interface ZodNode {
  readonly def: Def;
  readonly minValue?: number | null;
  readonly maxValue?: number | null;
  readonly isInt?: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Strips default/prefault/optional/pipe wrappers: the schema that describes the value, and what the wrappers said. */
function unwrap(schema: ZodNode): { schema: ZodNode; defaultValue: unknown; optional: boolean } {
  let node = schema;
  let defaultValue: unknown;
  let optional = false;
  for (;;) {
    const def = node.def;
    if ((def.type === 'default' || def.type === 'prefault') && def.innerType) {
      defaultValue ??= def.defaultValue;
      node = def.innerType;
    } else if ((def.type === 'optional' || def.type === 'nullable') && def.innerType) {
      optional = true;
      node = def.innerType;
    } else if ((def.type === 'readonly' || def.type === 'catch' || def.type === 'nonoptional') && def.innerType) {
      node = def.innerType;
    } else if (def.type === 'pipe' && def.in && def.out) {
      // z.preprocess(fn, schema) is pipe(transform, schema): the schema after the transform is what the user fills in.
      node = def.in.def.type === 'transform' ? def.out : def.in;
    } else {
      return { schema: node, defaultValue, optional };
    }
  }
}

/** The literal value of an object option's discriminator, or undefined. */
function literalOf(option: ZodNode, key: string): string | undefined {
  const field = option.def.shape?.[key];
  const value = field ? unwrap(field).schema.def.values?.[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function discriminatedOptions(schema: ZodNode): { key: string; options: Map<string, ZodNode> } | undefined {
  const { discriminator, options } = schema.def;
  if (schema.def.type !== 'union' || !options) return undefined;
  const key = discriminator ?? 'kind';
  const byValue = new Map<string, ZodNode>();
  for (const option of options) {
    const value = option.def.type === 'object' ? literalOf(option, key) : undefined;
    if (value === undefined) return undefined;
    byValue.set(value, option);
  }
  return { key, options: byValue };
}

/** The current choice of a discriminated union: the written one, else the default's, else the first. A bare string names it. */
function currentVariant(value: unknown, defaultValue: unknown, key: string, options: Map<string, ZodNode>): string {
  const pick = (v: unknown) => (typeof v === 'string' ? v : isRecord(v) && typeof v[key] === 'string' ? (v[key] as string) : undefined);
  const written = pick(value);
  if (written !== undefined && options.has(written)) return written;
  const fallback = pick(defaultValue);
  return fallback !== undefined && options.has(fallback) ? fallback : options.keys().next().value!;
}

/** The field tree of `schema` for the raw `value` (a union's choice without a written kind: its default's, else the first). */
export function describeFields(schema: z.ZodType, value: unknown, path = '', key = ''): FieldNode {
  return describeNode(schema as unknown as ZodNode, value, path, key);
}

function describeNode(wrapped: ZodNode, value: unknown, path: string, key: string): FieldNode {
  const { schema, defaultValue, optional } = unwrap(wrapped);
  const base = { path, key, value, defaultValue, optional };
  const def = schema.def;
  const child = (name: string) => (path ? `${path}.${name}` : name);
  switch (def.type) {
    case 'number':
      return { ...base, kind: 'number', integer: schema.isInt === true, ...bound('min', schema.minValue), ...bound('max', schema.maxValue) };
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'string':
      return { ...base, kind: 'string' };
    case 'enum':
      return { ...base, kind: 'enum', options: Object.values(def.entries ?? {}).map(String) };
    case 'array': {
      const element = def.element ? unwrap(def.element).schema.def : undefined;
      if (element?.type === 'enum') return { ...base, kind: 'enum-list', options: Object.values(element.entries ?? {}).map(String) };
      return { ...base, kind: 'json' };
    }
    case 'object': {
      const present = value !== undefined || !optional;
      const record = isRecord(value) ? value : {};
      const children = present
        ? Object.entries(def.shape ?? {})
            .filter(([, field]) => unwrap(field).schema.def.type !== 'literal')
            .map(([name, field]) => describeNode(field, record[name], child(name), name))
        : [];
      return { ...base, kind: 'group', present, children };
    }
    case 'union': {
      const union = discriminatedOptions(schema);
      if (!union) return { ...base, kind: 'json' };
      const present = value !== undefined || !optional;
      const current = currentVariant(value, defaultValue, union.key, union.options);
      const option = union.options.get(current)!;
      const record = isRecord(value) ? value : {};
      const children = present
        ? Object.entries(option.def.shape ?? {})
            .filter(([name]) => name !== union.key)
            .filter(([, field]) => unwrap(field).schema.def.type !== 'literal')
            .map(([name, field]) => describeNode(field, record[name], child(name), name))
        : [];
      return { ...base, kind: 'group', present, variant: { key: union.key, options: [...union.options.keys()], current }, children };
    }
    default:
      return { ...base, kind: 'json' };
  }
}

function bound(name: 'min' | 'max', value: number | null | undefined): { min?: number; max?: number } {
  // z.int() carries +-MAX_SAFE_INTEGER as its bounds: no bound worth showing.
  return typeof value === 'number' && Math.abs(value) < Number.MAX_SAFE_INTEGER ? { [name]: value } : {};
}

/** A copy of `config` with `value` at the dotted `path` (undefined deletes it), creating objects on the way. */
export function setAt(config: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const root = structuredClone(config);
  const keys = path.split('.');
  let node: Record<string, unknown> = root;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    // A bare string stands for { kind: string } (optimizer.rule: 'gd'): expand it to edit a field beside the kind.
    node[key] = isRecord(next) ? next : typeof next === 'string' ? { kind: next } : {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return root;
}

/**
 * Switches the discriminated section at `path` to `variant`, keeping the written fields the new variant also has
 * (a data set's sampleCount survives a change of data kind) and dropping the rest.
 */
export function switchVariant(config: Record<string, unknown>, node: FieldNode & { kind: 'group' }, variant: string, schema: z.ZodType): Record<string, unknown> {
  const key = node.variant!.key;
  const old = isRecord(node.value) ? node.value : {};
  const fresh = describeNode(findSchema(schema as unknown as ZodNode, node.path)!, { [key]: variant }, node.path, node.key);
  const kept = fresh.kind === 'group' ? fresh.children.map((c) => c.key).filter((k) => k in old) : [];
  return setAt(config, node.path, { [key]: variant, ...Object.fromEntries(kept.map((k) => [k, old[k]])) });
}

/** The (wrapped) schema at a dotted path, following object shapes and every union option. */
function findSchema(root: ZodNode, path: string): ZodNode | undefined {
  let node: ZodNode | undefined = root;
  for (const key of path ? path.split('.') : []) {
    if (!node) return undefined;
    const inner: ZodNode = unwrap(node).schema;
    const shapes = inner.def.type === 'union' ? (inner.def.options ?? []).map((o) => o.def.shape) : [inner.def.shape];
    node = shapes.map((shape) => shape?.[key]).find((s) => s !== undefined);
  }
  return node;
}

/** Validates a raw config with parseConfig; each ConfigError problem becomes {path, message}. */
export function validateConfig(config: unknown): FieldError[] {
  try {
    parseConfig(config);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(splitProblem);
    return [{ path: '', message: error instanceof Error ? error.message : String(error) }];
  }
}

/** 'model.width: got 0; Too small...' -> { path: 'model.width', message: 'got 0; Too small...' }. */
function splitProblem(problem: string): FieldError {
  const colon = problem.indexOf(': ');
  if (colon < 0) return { path: '', message: problem };
  const path = problem.slice(0, colon);
  return { path: path === '(top level)' ? '' : path, message: problem.slice(colon + 2) };
}

/** True when `path` is one of `hidden` or lies inside one of them. */
export function isHidden(path: string, hidden: readonly string[]): boolean {
  return hidden.some((h) => path === h || path.startsWith(`${h}.`));
}

/** The deepest visible node whose path contains `errorPath` (the node an error is shown beside), or undefined. */
export function ownerOf(root: FieldNode, errorPath: string, hidden: readonly string[]): FieldNode | undefined {
  const contains = (node: FieldNode) => node.path === '' || errorPath === node.path || errorPath.startsWith(`${node.path}.`);
  if (!contains(root) || isHidden(root.path, hidden)) return undefined;
  if (root.kind === 'group') {
    for (const child of root.children) {
      const owner = ownerOf(child, errorPath, hidden);
      if (owner) return owner;
    }
    // An error on the discriminator itself belongs to the group's kind select.
  }
  return root.path === '' ? undefined : root;
}

/** The node at a dotted `path` in the tree `root` ('' is the root itself), or undefined where the config has none. */
export function findNode(root: FieldNode, path: string): FieldNode | undefined {
  if (path === root.path) return root;
  if (root.kind !== 'group') return undefined;
  const child = root.children.find((node) => path === node.path || path.startsWith(`${node.path}.`));
  return child && findNode(child, path);
}
