/**
 * What a config field may be, read from the zod schema itself so messages list exactly what validation
 * accepts: for an unknown key, the fields allowed where it was written, the one it most likely meant (a typo
 * of one or two edits, or another case) and the section one level down that holds a key of that name
 * (`learningRate` at the top level is `optimizer.learningRate`); for a value that matches no form of a
 * union (a landscape's start), the forms there are.
 */
import type { z } from 'zod';

type Schema = z.core.$ZodType;
type ObjectSchema = z.core.$ZodObject;

interface Def {
  readonly type: string;
  readonly innerType?: Schema;
  readonly in?: Schema;
  readonly out?: Schema;
  readonly options?: readonly Schema[];
  readonly discriminator?: string;
  readonly getter?: () => Schema;
}

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;
const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** `schema` without its wrappers (default, optional, lazy, a preprocess pipe): the schema a value meets. */
function unwrap(schema: Schema): Schema {
  for (let depth = 0; depth < 20; depth++) {
    const def = defOf(schema);
    if (def.innerType) schema = def.innerType;
    else if (def.type === 'lazy' && def.getter) schema = def.getter();
    // A preprocess pipe's input side is a transform: the value validates against its output side.
    else if (def.type === 'pipe' && def.in && def.out) schema = defOf(def.in).type === 'transform' ? def.out : def.in;
    else return schema;
  }
  return schema;
}

/** The object schema `value` validates against, wrappers removed and a discriminated union resolved by `value`'s discriminator. */
function objectSchemaOf(schema: Schema, value: unknown): ObjectSchema | undefined {
  for (let depth = 0; depth < 20; depth++) {
    schema = unwrap(schema);
    const def = defOf(schema);
    if (def.type === 'object') return schema as ObjectSchema;
    if (def.type === 'union' && def.discriminator !== undefined && isRecord(value)) {
      const key = def.discriminator;
      const option = def.options?.find((candidate) => candidate._zod.propValues?.[key]?.has(value[key] as never));
      if (!option) return undefined;
      schema = option;
    } else return undefined;
  }
  return undefined;
}

/** The object schema at `path` of the config, following `input` through discriminated unions. */
function objectSchemaAt(root: Schema, input: unknown, path: readonly PropertyKey[]): ObjectSchema | undefined {
  let schema: Schema = root;
  let value = input;
  for (const key of path) {
    const object = objectSchemaOf(schema, value);
    const field = object?._zod.def.shape[String(key)];
    if (!field) return undefined;
    schema = field;
    value = isRecord(value) ? value[String(key)] : undefined;
  }
  return objectSchemaOf(schema, value);
}

/** Unknown keys named one by one; a file of thousands says how many more there are. */
const MAX_UNKNOWN_KEYS = 10;

/** Edit distance with adjacent transpositions counted as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The allowed name `key` is most likely a typo of: at most 2 edits (1 for short names), case ignored. */
function nearestName(key: string, names: readonly string[]): string | undefined {
  const limit = key.length <= 4 ? 1 : 2;
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/**
 * `section.key` for the field of this object whose own fields include `key` (case ignored). A section's
 * discriminator (its `kind`) is never the field meant: it only names which section it is.
 */
function sectionHolding(object: ObjectSchema, value: unknown, key: string, prefix: string): string | undefined {
  for (const [section, schema] of Object.entries(object._zod.def.shape)) {
    const child = objectSchemaOf(schema, isRecord(value) ? value[section] : undefined);
    const name = child && Object.keys(child._zod.def.shape).find((field) => field.toLowerCase() === key.toLowerCase() && !child._zod.propValues?.[field]);
    if (name) return `${prefix}${section}.${name}`;
  }
  return undefined;
}

/**
 * One problem per unknown key found at `path` of `input`: `path.key: unknown field; did you mean "x"?;
 * allowed here: a, b, c` (the suggestion only when one is likely).
 */
export function unknownFieldProblems(root: Schema, input: unknown, path: readonly PropertyKey[], keys: readonly string[]): string[] {
  const prefix = path.length > 0 ? `${path.map(String).join('.')}.` : '';
  const object = objectSchemaAt(root, input, path);
  const value = path.reduce<unknown>((node, key) => (isRecord(node) ? node[String(key)] : undefined), input);
  const listed = keys.slice(0, MAX_UNKNOWN_KEYS);
  const more = keys.length > listed.length ? [`${path.map(String).join('.') || '(top level)'}: ${keys.length - listed.length} more unknown fields`] : [];
  return [...listed.map((key) => {
    if (!object) return `${prefix}${key}: unknown field`;
    const allowed = Object.keys(object._zod.def.shape);
    // A sibling by its name ("width"), a field of a section by its full path ("optimizer.learningRate").
    const meant = nearestName(key, allowed) ?? sectionHolding(object, value, key, prefix);
    return `${prefix}${key}: unknown field${meant ? `; did you mean "${meant}"?` : ''}; allowed here: ${allowed.join(', ')}`;
  }), ...more];
}

/**
 * The forms of a union of objects at `path`: "{low, high} or {point} or {points}", or for a discriminated union
 * "an object whose kind is 'a', 'b' or 'c'"; undefined when the field there is no union of objects.
 */
export function unionFormsAt(root: Schema, input: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path.length === 0) return undefined;
  const parent = objectSchemaAt(root, input, path.slice(0, -1));
  const field = parent?._zod.def.shape[String(path.at(-1))];
  if (!field) return undefined;
  const def = defOf(unwrap(field));
  if (def.type !== 'union') return undefined;
  const forms = (def.options ?? []).map((option) => objectSchemaOf(option, undefined));
  if (forms.some((form) => form === undefined)) return undefined;
  if (def.discriminator === undefined) return forms.map((form) => `{${Object.keys(form!._zod.def.shape).join(', ')}}`).join(' or ');
  const key = def.discriminator;
  const kinds = forms.flatMap((form) => [...(form!._zod.propValues?.[key] ?? [])].map((value) => `'${String(value)}'`));
  return `an object whose ${key} is ${kinds.slice(0, -1).join(', ')}${kinds.length > 1 ? ' or ' : ''}${kinds.at(-1) ?? ''}`;
}
