/**
 * The random directions of sliced W2, drawn on the host and shared by the GPU path (src/kernels/sliced.ts)
 * and its float64 twin (src/float64/sliced.ts), so both project onto the same lines.
 */
import { normalArray } from './random';

/** Stream id of the sliced-W2 directions in the counter-based generator (key = (seed, stream)). */
export const SLICED_DIRECTION_STREAM = 101;

/**
 * L unit directions in R^k, row l = theta_l [L x k]: Gaussian vectors (threefry stream
 * (seed, SLICED_DIRECTION_STREAM), step 0) normalised, so theta_l is uniform on the sphere.
 * A zero vector (probability about 2^-24 k per direction) is replaced by e_0.
 */
export function slicedDirections(seed: number, directionCount: number, dim: number): Float64Array {
  const directions = normalArray(seed, SLICED_DIRECTION_STREAM, 0, directionCount * dim);
  for (let l = 0; l < directionCount; l++) {
    const row = directions.subarray(l * dim, (l + 1) * dim);
    const norm = Math.hypot(...row);
    if (norm === 0) row[0] = 1;
    else for (let c = 0; c < dim; c++) row[c]! /= norm;
  }
  return directions;
}
