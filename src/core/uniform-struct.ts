/**
 * A uniform struct declared once: the same declaration yields the WGSL struct text a shader
 * interpolates and the packer its kernel wrapper uploads, so the two can never drift apart.
 * Fields are 32-bit scalars laid out in declaration order (each 4 bytes, WGSL alignment 4), and the
 * packed size is padded to 16 bytes, the granularity uniform bindings want.
 * (The idea of TypeGPU's `d.struct` and webgpu-utils' `makeStructuredView`, cut down to scalars.)
 */

export type UniformScalar = 'u32' | 'i32' | 'f32';

/** Field name -> WGSL scalar type, in the order the fields sit in memory. */
export type UniformFields = Readonly<Record<string, UniformScalar>>;

/** One number per field, set by name. */
export type UniformValues<Fields extends UniformFields> = { readonly [Name in keyof Fields]: number };

export interface UniformStruct<Fields extends UniformFields> {
  /** The WGSL type name, e.g. `MatmulParams`. */
  readonly name: string;
  readonly fields: Fields;
  /** `struct Name { field: type, ... }`, one field per line, in declaration order (no trailing newline). */
  readonly wgsl: string;
  /** Bytes of a packed struct: 4 per field, rounded up to a multiple of 16 (at least 16). */
  readonly byteLength: number;
  /** The struct's bytes, little-endian; throws UniformValueError for a value the field's type cannot hold. */
  pack(values: UniformValues<Fields>): ArrayBuffer;
}

/** A value does not fit its uniform field (not finite, not an integer, out of range, missing). */
export class UniformValueError extends Error {
  override name = 'UniformValueError';
  constructor(
    readonly struct: string,
    readonly field: string,
    readonly value: unknown,
    problem: string,
  ) {
    super(`${struct}.${field} = ${String(value)}: ${problem}; pass a value the field's type can hold`);
  }
}

const SCALAR_BYTES = 4;
const UNIFORM_GRANULE_BYTES = 16;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Declares a uniform struct. Field order is the key order of `fields` (identifiers only, so no
 * integer-like key can be reordered by JavaScript).
 */
export function uniformStruct<const Fields extends UniformFields>(name: string, fields: Fields): UniformStruct<Fields> {
  const names = Object.keys(fields);
  const declared = new Set(names);
  for (const identifier of [name, ...names]) {
    if (!IDENTIFIER.test(identifier)) throw new SyntaxError(`uniformStruct ${name}: '${identifier}' is not a WGSL identifier`);
  }
  if (names.length === 0) throw new SyntaxError(`uniformStruct ${name}: a WGSL struct needs at least one field`);
  const byteLength = Math.ceil((names.length * SCALAR_BYTES) / UNIFORM_GRANULE_BYTES) * UNIFORM_GRANULE_BYTES;
  const wgsl = `struct ${name} {\n${names.map((field) => `  ${field}: ${fields[field]},\n`).join('')}}`;
  const pack = (values: UniformValues<Fields>): ArrayBuffer => {
    const extra = Object.keys(values).find((field) => !declared.has(field));
    if (extra !== undefined) throw new UniformValueError(name, extra, values[extra], `is not a field of ${name} (${names.join(', ')})`);
    const bytes = new ArrayBuffer(byteLength);
    const view = new DataView(bytes);
    names.forEach((field, index) => writeScalar(view, index * SCALAR_BYTES, fields[field]!, values[field]!, name, field));
    return bytes;
  };
  return { name, fields, wgsl, byteLength, pack };
}

const U32_MAX = 2 ** 32 - 1;
const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

function writeScalar(view: DataView, offset: number, type: UniformScalar, value: number, struct: string, field: string): void {
  if (typeof value !== 'number') throw new UniformValueError(struct, field, value, `must be a number (${type})`);
  if (!Number.isFinite(value)) throw new UniformValueError(struct, field, value, `must be finite (${type})`);
  if (type === 'f32') {
    view.setFloat32(offset, value, true);
    // A finite float64 past the f32 range would silently become an infinity on the GPU.
    if (!Number.isFinite(view.getFloat32(offset, true))) throw new UniformValueError(struct, field, value, 'overflows f32');
    return;
  }
  const [min, max] = type === 'u32' ? [0, U32_MAX] : [I32_MIN, I32_MAX];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UniformValueError(struct, field, value, `must be an integer in [${min}, ${max}] (${type})`);
  }
  if (type === 'u32') view.setUint32(offset, value, true);
  else view.setInt32(offset, value, true);
}
