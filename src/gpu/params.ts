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

/**
 * One COPY_SRC buffer of `count` param structs at a fixed `stride` (a kernel's paramsByteLength):
 * row i = paramsAt(i). BoundKernel.copyParams copies a row into the kernel's uniform between
 * compute passes, so the steps of one submit can each run with their own params.
 */
export function createParamsTable(device: GPUDevice, label: string, stride: number, count: number, paramsAt: (index: number) => ArrayBuffer): GPUBuffer {
  const table = device.createBuffer({ label: `${label}/params-table`, size: stride * count, usage: GPUBufferUsage.COPY_SRC, mappedAtCreation: true });
  const bytes = new Uint8Array(table.getMappedRange());
  for (let i = 0; i < count; i++) bytes.set(new Uint8Array(paramsAt(i)).subarray(0, stride), i * stride);
  table.unmap();
  return table;
}
