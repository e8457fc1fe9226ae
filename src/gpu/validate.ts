/** Argument checks shared by kernel wrappers: every one throws KernelArgumentError before any dispatch. */
import { KernelArgumentError } from '../core/errors';

/** A size that must be a positive integer (zero sizes are rejected: they would dispatch nothing). */
export function checkSize(kernel: string, argument: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new KernelArgumentError(kernel, argument, `must be a positive integer, got ${value}`);
  }
}

export function checkLength(kernel: string, argument: string, data: ArrayLike<number>, expectedLength: number, shapeText: string): void {
  if (data.length !== expectedLength) {
    throw new KernelArgumentError(kernel, argument, `has ${data.length} elements, expected ${expectedLength} for shape ${shapeText}`);
  }
}

/** Rejects NaN and +-Infinity, naming the first bad index. */
export function checkFinite(kernel: string, argument: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new KernelArgumentError(kernel, argument, `contains ${data[i]} at index ${i}; inputs must be finite`);
    }
  }
}

/** Checks that the buffer behind an argument is large enough for the shape it is bound with. */
export function checkBufferHolds(kernel: string, argument: string, buffer: GPUBuffer, elementCount: number): void {
  if (buffer.size < elementCount * 4) {
    throw new KernelArgumentError(kernel, argument, `buffer holds ${buffer.size} bytes, the shape needs ${elementCount * 4}`);
  }
}
