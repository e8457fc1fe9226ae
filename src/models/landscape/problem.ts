/**
 * Toy landscapes (docs/science.md sections 4 and 7): P particles, each one optimizer run. From the
 * config to what both backends start from.
 */
import type { LandscapeModel } from '../../config/model-kinds';
import { landscapeDimOf, landscapeStartPoints } from '../../core/landscape';
import type { HostArray } from '../../core/simulation';

/** The particles as a backend holds them: positions [P x k] and per particle (f, max |x|, exit step, log-growth) [P x 4]. */
export interface LandscapeState {
  readonly positions: HostArray;
  readonly stats: HostArray;
}

/** The configured start points x0 [P x k]. */
export function startPoints(model: LandscapeModel): Float32Array {
  const spec = model.spec;
  const k = landscapeDimOf(spec);
  if ('points' in model.start) {
    const rows = model.start.points;
    if (rows.length !== spec.particleCount) throw new RangeError(`model.start.points has ${rows.length} rows, spec.particleCount is ${spec.particleCount}`);
    const bad = rows.findIndex((row) => row.length !== k);
    if (bad >= 0) throw new RangeError(`model.start.points[${bad}] has ${rows[bad]!.length} coordinates, the landscape has ${k}`);
    return Float32Array.from(rows.flat());
  }
  if ('point' in model.start) {
    if (model.start.point.length !== k) throw new RangeError(`model.start.point has ${model.start.point.length} coordinates, the landscape has ${k}`);
    const point = model.start.point;
    return Float32Array.from({ length: spec.particleCount * k }, (_, e) => point[e % k]!);
  }
  return landscapeStartPoints(spec.particleCount, model.start.low, model.start.high, spec.seed);
}
