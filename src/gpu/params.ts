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
