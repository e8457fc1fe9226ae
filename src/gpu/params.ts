/** Packs a uniform struct of 32-bit scalars in declaration order (WGSL alignment 4 for each). */
export type ParamField = readonly [kind: 'u32' | 'i32' | 'f32', value: number];

export function packParams(fields: readonly ParamField[]): ArrayBuffer {
  const bytes = new ArrayBuffer(Math.max(16, Math.ceil((fields.length * 4) / 16) * 16));
  const view = new DataView(bytes);
  fields.forEach(([kind, value], index) => {
    const offset = index * 4;
    if (kind === 'f32') view.setFloat32(offset, value, true);
    else if (kind === 'i32') view.setInt32(offset, value, true);
    else view.setUint32(offset, value, true);
  });
  return bytes;
}
