/** Argument checks for point clouds passed as flat row-major arrays [count x dim] (transport kernels). */
import { KernelArgumentError } from '../core/errors';
import { checkFinite, checkSize } from '../gpu/validate';

/** Checks a flat point array [count x dim] (positive whole count, finite entries) and returns count. */
export function pointCount(name: string, argument: string, points: ArrayLike<number>, dim: number): number {
  checkSize(name, 'dim', dim);
  const count = points.length / dim;
  if (!Number.isInteger(count) || count < 1) {
    throw new KernelArgumentError(name, argument, `has ${points.length} elements, not a positive multiple of dim ${dim}`);
  }
  checkFinite(name, argument, points);
  return count;
}
