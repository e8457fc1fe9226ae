/**
 * W2 between the neurons' cloud {w_j} (rows of W, in R^d) and a target measure (docs/science.md section 1):
 * exact assignment for equal clouds of at most 512 points, log-domain Sinkhorn, or sliced W2. The
 * target is uniform on the unit circle (E, Ma, Wu's pi*: m equally spaced points) or a given cloud.
 */
import { z } from 'zod';
import type { GpuContext } from '../gpu/device';
import { MAX_EXACT_POINTS, entropicW2SquaredReference, exactW2Squared, w2Squared } from '../metrics/wasserstein';
import { slicedDirections, slicedW2Squared as slicedReference } from '../reference/sliced';

export const w2TargetSchema = z
  .object({
    /** 'uniform-circle': m points at angles 2 pi k / m (d = 2); 'points': the given cloud (rows of length d). */
    target: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('uniform-circle') }),
      z.strictObject({ kind: z.literal('points'), points: z.array(z.array(z.number()).min(1)).min(1) }),
    ]),
    /** 'auto': exact when both clouds have the same size <= 512, else sliced. */
    method: z.enum(['auto', 'exact', 'entropic', 'sliced']).default('auto'),
    /** Sinkhorn's eps, in squared-distance units. */
    epsilon: z.number().positive().default(0.05),
    /** Sliced W2's random directions. */
    directionCount: z.int().min(1).default(64),
  })
  .strict();

export type W2Target = z.output<typeof w2TargetSchema>;

/** The target cloud [p x d]. */
export function targetCloud(target: W2Target, width: number, inputDim: number): Float32Array {
  if (target.target.kind === 'uniform-circle') {
    if (inputDim !== 2) throw new RangeError(`metrics.w2.target uniform-circle needs inputDim 2, got ${inputDim}`);
    return Float32Array.from({ length: 2 * width }, (_, e) => {
      const angle = (2 * Math.PI * Math.floor(e / 2)) / width;
      return e % 2 === 0 ? Math.cos(angle) : Math.sin(angle);
    });
  }
  const points = target.target.points;
  const bad = points.findIndex((row) => row.length !== inputDim);
  if (bad >= 0) throw new RangeError(`metrics.w2.target.points[${bad}] has ${points[bad]!.length} coordinates, the neurons have ${inputDim}`);
  return Float32Array.from(points.flat());
}

function methodFor(target: W2Target, cloudSize: number, targetSize: number): 'exact' | 'entropic' | 'sliced' {
  if (target.method !== 'auto') return target.method;
  return cloudSize === targetSize && cloudSize <= MAX_EXACT_POINTS ? 'exact' : 'sliced';
}

/** W2 (not squared) between W's rows and the target, on the GPU (`gpu`) or in float64 (no gpu). */
export async function w2ToTarget(target: W2Target, W: ArrayLike<number>, width: number, inputDim: number, seed: number, gpu?: GpuContext): Promise<number> {
  const y = targetCloud(target, width, inputDim);
  const x = Float32Array.from(W);
  const p = y.length / inputDim;
  const method = methodFor(target, width, p);
  if (method === 'exact') return Math.sqrt(exactW2Squared(x, y, inputDim));
  if (gpu) {
    const request = method === 'entropic' ? { method, epsilon: target.epsilon } : { method, directionCount: target.directionCount, seed };
    return Math.sqrt(Math.max(0, await w2Squared(gpu, x, y, inputDim, request)));
  }
  if (method === 'entropic') return Math.sqrt(Math.max(0, entropicW2SquaredReference(x, y, inputDim, { epsilon: target.epsilon }).transportCost));
  const directions = slicedDirections(seed, target.directionCount, inputDim);
  return Math.sqrt(slicedReference(x, y, directions, { xCount: width, yCount: p, dim: inputDim, directionCount: target.directionCount }).value);
}
