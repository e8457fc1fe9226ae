/**
 * W2 between the neurons' cloud {w_j} (rows of W, in R^d) and a target measure (docs/science.md section 1):
 * exact assignment for equal clouds of at most 512 points, log-domain Sinkhorn, or sliced W2. The
 * target is uniform on the unit circle (E, Ma, Wu's pi*: m equally spaced points) or a given cloud.
 */
import type { W2Target } from '../../config/w2-target';
import type { GpuContext } from '../../gpu/device';
import { MAX_EXACT_POINTS, entropicW2SquaredFloat64, exactW2Squared, w2Squared } from '../../metrics/wasserstein';
import { slicedW2Squared as slicedReference } from '../../float64/sliced';
import { slicedDirections } from '../../core/sliced-directions';

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
  if (method === 'entropic') return Math.sqrt(Math.max(0, entropicW2SquaredFloat64(x, y, inputDim, { epsilon: target.epsilon }).transportCost));
  const directions = slicedDirections(seed, target.directionCount, inputDim);
  return Math.sqrt(slicedReference(x, y, directions, { xCount: width, yCount: p, dim: inputDim, directionCount: target.directionCount }).value);
}
