/** Array-in/array-out run of the batched matmul (src/kernels/matmul.ts) for tests. */
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { KernelArgumentError } from '../../../src/core/errors';
import { runKernels } from '../../../src/gpu/kernel';
import { checkFinite, checkLength } from '../../../src/gpu/validate';
import {
  bindMatmul,
  checkOperandA,
  checkShape,
  matmulElementCounts,
  matmulVariant,
  type MatmulOptions,
  type MatmulShape,
} from '../../../src/kernels/matmul';

/** The kernel's name, for labels and error messages (as in src/kernels/matmul.ts). */
const NAME = 'matmul/matmul';

function shapeText(shape: MatmulShape): string {
  return `{batch: ${shape.batch}, m: ${shape.m}, n: ${shape.n}, k: ${shape.k}}`;
}

/**
 * Uploads A and B (and bias), runs the batched matmul, reads back C [batch x M x N].
 * Every argument is checked before anything is allocated or dispatched.
 */
export async function matmul(
  gpu: GpuContext,
  a: Float32Array,
  b: Float32Array,
  shape: MatmulShape,
  options: MatmulOptions = {},
): Promise<Float32Array> {
  const variant = matmulVariant(options);
  checkShape(gpu, shape);
  const counts = matmulElementCounts(shape);
  const { batch, m, n, k } = shape;
  checkLength(NAME, 'a', a, counts.a, variant.transA ? `[${batch} x ${k} x ${m}] (transA)` : `[${batch} x ${m} x ${k}]`);
  checkLength(NAME, 'b', b, counts.b, variant.transB ? `[${batch} x ${n} x ${k}] (transB)` : `[${batch} x ${k} x ${n}]`);
  const hasBias = variant.epilogue === 'bias-relu';
  if (hasBias && !options.bias) throw new KernelArgumentError(NAME, 'bias', "is required by the 'bias-relu' epilogue");
  if (!hasBias && options.bias) {
    throw new KernelArgumentError(NAME, 'bias', `is only used by the 'bias-relu' epilogue, not '${variant.epilogue}'`);
  }
  if (options.bias) checkLength(NAME, 'bias', options.bias, n, `[${n}] (one per column of C, ${shapeText(shape)})`);
  checkOperandA(variant, { gate: options.gate !== undefined, rowScale: options.rowScale !== undefined, scale: options.scale !== undefined });
  if (options.gate) checkLength(NAME, 'gate', options.gate, batch * k, `[${batch} x ${k}] (one per term of the sum)`);
  if (options.rowScale) checkLength(NAME, 'rowScale', options.rowScale, batch * m, `[${batch} x ${m}] (one per row of C)`);
  if (options.scale) checkLength(NAME, 'scale', options.scale, batch, `[${batch}] (one per matrix)`);
  checkFinite(NAME, 'a', a);
  checkFinite(NAME, 'b', b);
  for (const argument of ['bias', 'gate', 'rowScale', 'scale'] as const) {
    const values = options[argument];
    if (values) checkFinite(NAME, argument, values);
  }

  const buffers = {
    a: createStorageBuffer(gpu, `${NAME}/a`, a),
    b: createStorageBuffer(gpu, `${NAME}/b`, b),
    c: createStorageBuffer(gpu, `${NAME}/c`, counts.c * 4),
    ...(options.bias ? { bias: createStorageBuffer(gpu, `${NAME}/bias`, options.bias) } : {}),
    ...(options.gate ? { gate: createStorageBuffer(gpu, `${NAME}/gate`, options.gate) } : {}),
    ...(options.rowScale ? { rowScale: createStorageBuffer(gpu, `${NAME}/rowScale`, options.rowScale) } : {}),
    ...(options.scale ? { scale: createStorageBuffer(gpu, `${NAME}/scale`, options.scale) } : {}),
  };
  try {
    const kernel = await bindMatmul(gpu, variant, shape, buffers);
    try {
      await runKernels(gpu, NAME, [kernel]);
      return await readFloat32(gpu, buffers.c, counts.c);
    } finally {
      kernel.destroy();
    }
  } finally {
    Object.values(buffers).forEach((buffer) => buffer.destroy());
  }
}
