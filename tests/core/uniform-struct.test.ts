import { describe, expect, it } from 'vitest';
import { UniformValueError, uniformStruct, type UniformValues } from '../../src/core/uniform-struct';

const MIXED = uniformStruct('MixedParams', { count: 'u32', offset: 'i32', scale: 'f32' });

/** The expected bytes written out by hand: little-endian 32-bit words at 4-byte offsets, zero padding after. */
function words(byteLength: number, fill: (view: DataView) => void): number[] {
  const view = new DataView(new ArrayBuffer(byteLength));
  fill(view);
  return [...new Uint8Array(view.buffer)];
}

describe('uniformStruct', () => {
  it('declares the WGSL struct with one field per line, in declaration order', () => {
    expect(MIXED.wgsl).toBe('struct MixedParams {\n  count: u32,\n  offset: i32,\n  scale: f32,\n}');
    expect(MIXED.name).toBe('MixedParams');
  });

  it('pads the packed size to a multiple of 16 bytes, at least 16', () => {
    const sizes = [1, 4, 5, 13, 18].map((fieldCount) => {
      const fields = Object.fromEntries(Array.from({ length: fieldCount }, (_, i) => [`f${i}`, 'u32' as const]));
      return uniformStruct('Sized', fields).byteLength;
    });
    expect(sizes).toEqual([16, 16, 32, 64, 80]);
  });

  it('packs each field at 4 x its declaration index, whatever the order of the values', () => {
    const bytes = MIXED.pack({ scale: 0.1, offset: -1, count: 2 ** 32 - 1 });
    const expected = words(16, (view) => {
      view.setUint32(0, 0xffffffff, true);
      view.setInt32(4, -1, true);
      view.setFloat32(8, 0.1, true);
    });
    expect(bytes.byteLength).toBe(MIXED.byteLength);
    expect([...new Uint8Array(bytes)]).toEqual(expected);
  });

  it('rounds f32 fields once from float64, as the GPU reads them', () => {
    const bytes = MIXED.pack({ count: 0, offset: 0, scale: 1 / 3 });
    expect(new Float32Array(bytes)[2]).toBe(Math.fround(1 / 3));
  });

  it('packs a struct longer than one 16-byte row, zero past the last field', () => {
    const wide = uniformStruct('WideParams', { a: 'u32', b: 'u32', c: 'u32', d: 'u32', e: 'f32' });
    const bytes = wide.pack({ a: 1, b: 2, c: 3, d: 4, e: -2.5 });
    const expected = words(32, (view) => {
      [1, 2, 3, 4].forEach((value, i) => view.setUint32(4 * i, value, true));
      view.setFloat32(16, -2.5, true);
    });
    expect([...new Uint8Array(bytes)]).toEqual(expected);
  });

  it('takes fields spread in from a shared block, keeping their place', () => {
    const block = { rows: 'u32', cols: 'u32' } as const;
    const struct = uniformStruct('BlockParams', { ...block, scale: 'f32' });
    expect(struct.wgsl).toBe('struct BlockParams {\n  rows: u32,\n  cols: u32,\n  scale: f32,\n}');
    expect([...new Uint32Array(struct.pack({ rows: 7, cols: 9, scale: 0 }))]).toEqual([7, 9, 0, 0]);
  });

  it.each([
    ['a NaN f32', { count: 1, offset: 0, scale: NaN }, 'scale', 'NaN'],
    ['an infinite f32', { count: 1, offset: 0, scale: -Infinity }, 'scale', '-Infinity'],
    ['an f32 past the float32 range', { count: 1, offset: 0, scale: 1e39 }, 'scale', '1e+39'],
    ['a negative u32', { count: -1, offset: 0, scale: 0 }, 'count', '-1'],
    ['a fractional u32', { count: 2.5, offset: 0, scale: 0 }, 'count', '2.5'],
    ['a u32 of 2^32', { count: 2 ** 32, offset: 0, scale: 0 }, 'count', '4294967296'],
    ['an infinite u32', { count: Infinity, offset: 0, scale: 0 }, 'count', 'Infinity'],
    ['an i32 below -2^31', { count: 0, offset: -(2 ** 31) - 1, scale: 0 }, 'offset', '-2147483649'],
    ['an i32 of 2^31', { count: 0, offset: 2 ** 31, scale: 0 }, 'offset', '2147483648'],
  ])('rejects %s, naming the struct, the field and the value', (_case, values, field, shown) => {
    const pack = () => MIXED.pack(values);
    expect(pack).toThrow(UniformValueError);
    expect(pack).toThrow(`MixedParams.${field} = ${shown}`);
  });

  it('accepts the ends of the integer ranges', () => {
    expect([...new Int32Array(MIXED.pack({ count: 0, offset: -(2 ** 31), scale: 0 }))].slice(0, 2)).toEqual([0, -(2 ** 31)]);
    expect(new Int32Array(MIXED.pack({ count: 0, offset: 2 ** 31 - 1, scale: 0 }))[1]).toBe(2 ** 31 - 1);
  });

  it('rejects a missing or an extra field at run time too (values that bypassed the type check)', () => {
    const missing = { count: 1, offset: 0 } as unknown as UniformValues<typeof MIXED.fields>;
    expect(() => MIXED.pack(missing)).toThrow('MixedParams.scale = undefined');
    const extra = { count: 1, offset: 0, scale: 0, stride: 4 } as UniformValues<typeof MIXED.fields>;
    expect(() => MIXED.pack(extra)).toThrow(/MixedParams\.stride = 4: is not a field of MixedParams \(count, offset, scale\)/);
    const inherited = { count: 1, offset: 0, scale: 0, toString: 0 } as UniformValues<typeof MIXED.fields>;
    expect(() => MIXED.pack(inherited)).toThrow('MixedParams.toString = 0: is not a field');
  });

  it('makes a missing or an extra field a type error', () => {
    // Compile-time checks (npx tsc --noEmit fails if a directive below stops being needed); at run time they throw.
    // @ts-expect-error scale is missing
    expect(() => MIXED.pack({ count: 1, offset: 0 })).toThrow(UniformValueError);
    // @ts-expect-error stride is not a field
    expect(() => MIXED.pack({ count: 1, offset: 0, scale: 0, stride: 4 })).toThrow(UniformValueError);
  });

  it('rejects names that are not WGSL identifiers, and an empty struct', () => {
    expect(() => uniformStruct('Bad Name', { a: 'u32' })).toThrow(SyntaxError);
    expect(() => uniformStruct('Params', { '0': 'u32' })).toThrow(/'0' is not a WGSL identifier/);
    expect(() => uniformStruct('Params', { 'x-y': 'f32' })).toThrow(/'x-y' is not a WGSL identifier/);
    expect(() => uniformStruct('Params', {})).toThrow(/at least one field/);
  });
});
